"""Read a State Council holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知). Pure: no ORM.

Each year, usually in November, the notice fixes the next year's holidays and adjusted working
weekends. Administrators paste its text; this parses the lines of the form

    七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。

into the days off and the weekends worked, which ``orders.sla.calendar_year_import`` stores.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

YEAR = re.compile(r"(\d{4})年")
ITEM = re.compile(r"^[一二三四五六七八九十]+、\s*([^：:]+)[：:](.*)$")
# 10月1日（周四）至7日（周三）  |  1月1日至3日  |  9月29日至10月6日  |  1月1日
RANGE = re.compile(
    r"(\d{1,2})月(\d{1,2})日(?:（[^）]*）|\([^)]*\))?"
    r"(?:\s*[至到-]\s*(?:(\d{1,2})月)?(\d{1,2})日(?:（[^）]*）|\([^)]*\))?)?"
)
DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


class NoticeError(ValueError):
    """The text is not a holiday notice this parser can read."""


@dataclass
class HolidaySchedule:
    year: int
    days_off: dict[dt.date, str] = field(default_factory=dict)  # every day of each holiday period
    workdays: dict[dt.date, str] = field(default_factory=dict)  # weekends worked (调休上班)


def parse_notice(text: str, year: int | None = None) -> HolidaySchedule:
    """The holidays and adjusted working days the notice sets out."""
    if year is None:
        found = YEAR.search(text)
        if found is None:
            raise NoticeError("the notice does not name its year (…关于2027年部分节假日安排的通知)")
        year = int(found.group(1))
    schedule = HolidaySchedule(year=year)
    for raw in re.split(r"[\n\r]+", text):
        line = raw.strip()
        item = ITEM.match(line)
        if not item:
            continue
        name, rest = item.group(1).strip(), item.group(2)
        for sentence in re.split(r"[。；;]", rest):
            if "放假" in sentence:
                head = sentence.split("放假")[0]
                match = RANGE.search(head)
                if match is None:
                    raise NoticeError(f"cannot read the dates of {name}: {sentence}")
                start = dt.date(year, int(match.group(1)), int(match.group(2)))
                end_month = int(match.group(3) or match.group(1))
                end = dt.date(year, end_month, int(match.group(4) or match.group(2)))
                if end < start:  # 12月31日至1月2日: the end falls in the next year
                    end = dt.date(year + 1, end.month, end.day)
                day = start
                while day <= end:
                    schedule.days_off[day] = name
                    day += dt.timedelta(days=1)
            if "上班" in sentence:
                for month, day_of_month in DAY.findall(sentence.split("上班")[0]):
                    schedule.workdays[dt.date(year, int(month), int(day_of_month))] = name
    if not schedule.days_off:
        raise NoticeError("no holiday lines found (expected lines like “一、元旦：1月1日放假，共1天。”)")
    clash = set(schedule.days_off) & set(schedule.workdays)
    if clash:
        raise NoticeError(f"days both off and worked: {sorted(clash)}")
    return schedule
