"""Choices of the directory (regions, units, memberships, categories, the catalog). Values are stable
identifiers; labels are translated (zh-hans default)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")  # 市
    DISTRICT = "district", _("District")  # 区
    STREET = "street", _("Street/township")  # 街道、乡镇（含功能区）
    COMMUNITY = "community", _("Community/village")  # 社区、村


REGION_LEVEL_DEPTH = {
    RegionLevel.CITY: 0,
    RegionLevel.DISTRICT: 1,
    RegionLevel.STREET: 2,
    RegionLevel.COMMUNITY: 3,
}


class RegionKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")  # 直辖市
    PREFECTURE_CITY = "prefecture_city", _("Prefecture-level city")  # 地级市（杭州市）
    DISTRICT = "district", _("Urban district")  # 市辖区
    SUBDISTRICT = "subdistrict", _("Subdistrict")  # 街道
    TOWN = "town", _("Town")  # 镇
    TOWNSHIP = "township", _("Township")  # 乡
    ETHNIC_TOWNSHIP = "ethnic_township", _("Ethnic township")  # 民族乡
    FUNCTIONAL_ZONE = "functional_zone", _("Functional zone")  # 功能区（经开区等，非行政区划）
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")  # 社区居委会
    VILLAGE_COMMITTEE = "village_committee", _("Village committee")  # 村委会


# Street-level kinds that are administrative divisions (the 343 of the 民政部 list).
ADMINISTRATIVE_STREET_KINDS = (
    RegionKind.SUBDISTRICT,
    RegionKind.TOWN,
    RegionKind.TOWNSHIP,
    RegionKind.ETHNIC_TOWNSHIP,
)


class AliasKind(models.TextChoices):
    STATISTICAL = "statistical", _("Statistical name")  # 国家统计局口径名称（如 南磨房地区）
    FORMER = "former", _("Former name")  # 曾用名（如 崇文区、密云县）
    COMMON = "common", _("Common name")  # 俗称、简称（如 亦庄）


class CodeChange(models.TextChoices):
    RECODED = "recoded", _("Recoded")  # 同名改码
    RENAMED = "renamed", _("Renamed")  # 更名
    MERGED = "merged", _("Merged into")  # 撤销并入
    UPGRADED = "upgraded", _("County became district")  # 撤县设区
    STATISTICAL = "statistical", _("Statistical code")  # 统计用代码与民政代码不同


class UnitKind(models.TextChoices):
    STREET_OFFICE = "street_office", _("Street office / township government")  # 街道办事处、乡镇人民政府
    ZONE_ADMIN = "zone_admin", _("Functional zone administration")  # 功能区管委会
    DISTRICT_GOVERNMENT = "district_government", _("District government")  # 区人民政府
    DISTRICT_DEPARTMENT = "district_department", _("District department")  # 区级职能部门
    MUNICIPAL_DEPARTMENT = "municipal_department", _("Municipal department")  # 市级职能部门
    ENTERPRISE = "enterprise", _("Public-service enterprise")  # 公共服务企业
    HOTLINE_CENTRE = "hotline_centre", _("Hotline centre")  # 市民热线服务中心


class UnitFunction(models.TextChoices):
    """职能: what a department or enterprise is responsible for. The catalog routes by it."""

    URBAN_MANAGEMENT = "urban_management", _("Urban management")  # 城市管理
    URBAN_ENFORCEMENT = "urban_enforcement", _("Urban law enforcement")  # 城管执法
    HOUSING = "housing", _("Housing and construction")  # 住房和城乡建设
    TRANSPORT = "transport", _("Transport")  # 交通
    WATER = "water", _("Water affairs")  # 水务
    MARKET = "market", _("Market regulation")  # 市场监管
    ECOLOGY = "ecology", _("Ecology and environment")  # 生态环境
    LANDSCAPING = "landscaping", _("Landscaping and forestry")  # 园林绿化
    HEALTH = "health", _("Health")  # 卫生健康
    EDUCATION = "education", _("Education")  # 教育
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security")  # 人力社保
    PLANNING = "planning", _("Planning and natural resources")  # 规划和自然资源
    TRAFFIC_POLICE = "traffic_police", _("Traffic police")  # 公安交管（非紧急）
    PUBLIC_SECURITY = "public_security", _("Public security (non-emergency)")  # 公安（非紧急）
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")  # 民政
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")  # 文化和旅游
    SPORTS = "sports", _("Sports")  # 体育
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")  # 医疗保障
    EMERGENCY = "emergency", _("Emergency management")  # 应急管理
    FIRE = "fire", _("Fire and rescue")  # 消防救援
    COMMERCE = "commerce", _("Commerce")  # 商务
    TAXATION = "taxation", _("Taxation")  # 税务
    HOUSING_FUND = "housing_fund", _("Housing provident fund")  # 住房公积金
    GOVERNMENT_SERVICES = "government_services", _("Government services and data")  # 政务服务和数据
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")  # 发展改革（价格）
    VETERANS = "veterans", _("Veterans affairs")  # 退役军人事务
    DISABLED = "disabled", _("Disabled persons' federation")  # 残联
    TELECOM_REGULATOR = "telecom_regulator", _("Communications administration")  # 通信管理局
    POSTAL_REGULATOR = "postal_regulator", _("Postal administration")  # 邮政管理局（快递寄递监管）
    FINANCIAL_REGULATOR = "financial_regulator", _("Financial regulation")  # 金融监管
    PARKS = "parks", _("Municipal parks")  # 市属公园管理
    JUSTICE = "justice", _("Justice administration")  # 司法行政（法律援助、人民调解）
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")  # 农业农村
    # public-service enterprises
    WATER_SUPPLY = "water_supply", _("Water supply")  # 供水
    DRAINAGE = "drainage", _("Drainage")  # 排水
    POWER = "power", _("Power supply")  # 供电
    GAS = "gas", _("Gas supply")  # 燃气
    HEATING = "heating", _("Heating")  # 供热
    BUS = "bus", _("Bus")  # 公交
    SUBWAY = "subway", _("Subway")  # 地铁
    TELECOM_MOBILE = "telecom_mobile", _("China Mobile")  # 中国移动
    TELECOM_UNICOM = "telecom_unicom", _("China Unicom")  # 中国联通
    TELECOM_TELECOM = "telecom_telecom", _("China Telecom")  # 中国电信
    POSTAL = "postal", _("Postal service")  # 邮政


class AssessmentGroup(models.TextChoices):
    """考评分组: units are scored and ranked within their group (分级分类考评)."""

    STREET = "street", _("Streets")  # 街道
    TOWNSHIP = "township", _("Townships and towns")  # 乡镇（含地区办事处）
    DISTRICT = "district", _("Districts")  # 各区（含经开区）
    DEPARTMENT = "department", _("Municipal departments")  # 市级部门
    DISTRICT_DEPARTMENT = "district_department", _("District departments")  # 区级部门（区内排名）
    ENTERPRISE = "enterprise", _("Public-service enterprises")  # 公共服务企业
    PLATFORM = "platform", _("Hotline platform")  # 热线平台：话务质量指标，不参与三率排名


class MembershipRole(models.TextChoices):
    AGENT = "agent", _("Call-centre agent")  # 话务员
    DISPATCHER = "dispatcher", _("Dispatcher")  # 派单员
    HANDLER = "handler", _("Unit handler")  # 承办人
    CALLBACK = "callback", _("Callback staff")  # 回访员
    SUPERVISOR = "supervisor", _("Supervisor")  # 督办
    ASSESSOR = "assessor", _("Assessor / administrator")  # 考评管理


class UrgencyTier(models.TextChoices):
    """紧急程度: the SLA tier. Limits per tier are data (SlaPolicy), not these labels."""

    EMERGENCY = "emergency", _("Emergency (risk to life or property)")  # 紧急：2 小时
    UTILITY = "utility", _("Utilities (water, power, gas, heating)")  # 水电气热：24 小时
    GENERAL = "general", _("General")  # 一般：7 天
    COMPLEX = "complex", _("Complex")  # 疑难复杂：15 天


class EmergencyLine(models.TextChoices):
    """紧急热线: an emergency line's matter is transferred at once, never dispatched (国办发〔2020〕53号)."""

    POLICE = "110", _("110 police")  # 报警
    FIRE = "119", _("119 fire and rescue")  # 火警
    AMBULANCE = "120", _("120 ambulance")  # 急救
    TRAFFIC = "122", _("122 traffic accidents")  # 交通事故


class DemandType(models.TextChoices):
    """诉求类型 as the Regulation lists them."""

    CONSULT = "consult", _("Consultation")  # 咨询
    HELP = "help", _("Request for help")  # 求助
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    REPORT = "report", _("Report")  # 举报
    SUGGESTION = "suggestion", _("Suggestion")  # 建议


class LeadRule(models.TextChoices):
    """How a catalog entry names the responsible unit (派单目录的承办规则)."""

    STREET = "street", _("Street office of the ticket's street")  # 属地街乡镇
    DISTRICT_GOVERNMENT = "district_government", _("Government of the ticket's district")  # 属地区政府
    DISTRICT_DEPARTMENT = "district_department", _("District department of a function")  # 属地区级职能部门
    MUNICIPAL_DEPARTMENT = "municipal_department", _("Municipal department of a function")  # 市级职能部门
    ENTERPRISE = "enterprise", _("Enterprise of a function")  # 公共服务企业
    UNIT = "unit", _("A named unit")  # 指定单位


RULES_NEEDING_FUNCTION = (
    LeadRule.DISTRICT_DEPARTMENT,
    LeadRule.MUNICIPAL_DEPARTMENT,
    LeadRule.ENTERPRISE,
)
