"""The category model's math, on a small catalog (no database)."""

from __future__ import annotations

import pytest

from dispatch.category_text import Leaf, Segmenter, learned_counts, model_build, search, suggest

LEAVES = [
    Leaf(
        "010501", "基础民生 / 供暖 / 室温不达标", "室温不达标", ("供暖", "基础民生"), ("暖气不热", "家里冷")
    ),
    Leaf("020306", "基本民生 / 物业 / 房屋漏雨渗水", "房屋漏雨渗水", ("物业",), ("楼上漏水", "屋顶漏水")),
    Leaf("070302", "公共安全 / 动物与疫病 / 犬只管理", "犬只管理", ("动物与疫病",), ("养狗", "遛狗不拴绳")),
    Leaf("040607", "品质民生 / 通信与邮政 / 快递服务", "快递服务", ("通信与邮政",), ("快递", "快递丢了")),
]


@pytest.fixture(scope="module")
def words() -> Segmenter:
    return Segmenter(term for leaf in LEAVES for term in (leaf.name, *leaf.keywords))


def test_catalog_terms_stay_whole_and_stop_words_go(words: Segmenter) -> None:
    found = words.words("我家楼上漏水了，希望尽快处理！")
    assert "楼上漏水" in found
    assert not {"我", "了", "希望", "尽快", "处理", "！"} & set(found)


def test_suggest_ranks_by_the_catalog_and_says_which_words_decided(words: Segmenter) -> None:
    model = model_build(LEAVES, words)
    found = suggest(model, words.words("暖气不热，家里冷得很"), limit=2)
    assert [s.code for s in found] == ["010501", found[1].code]
    assert found[0].score > 0.9
    assert "暖气不热" in found[0].words
    assert sum(s.score for s in suggest(model, words.words("暖气不热"), limit=4)) == pytest.approx(
        1, abs=1e-3
    )


def test_no_catalog_word_no_suggestion(words: Segmenter) -> None:
    assert suggest(model_build(LEAVES, words), words.words("今天天气怎么样")) == []


def test_filed_demands_teach_words_the_catalog_lacks(words: Segmenter) -> None:
    before = model_build(LEAVES, words)
    assert suggest(before, words.words("邻居家的泰迪整夜叫")) == []
    examples = [("070302", "邻居家的泰迪一直叫"), ("070302", "楼下泰迪犬没拴绳"), ("070302", "泰迪咬人")]
    counts, documents = learned_counts(examples, words, {leaf.code: leaf for leaf in LEAVES})
    after = model_build(LEAVES, words, learned=counts, documents=documents)
    top = suggest(after, words.words("邻居家的泰迪整夜叫"))[0]
    assert top.code == "070302"
    assert "泰迪" in top.words
    # and the catalog still speaks for the leaves nobody filed under
    assert suggest(after, words.words("快递丢了"))[0].code == "040607"


def test_unknown_leaves_in_filed_demands_are_ignored(words: Segmenter) -> None:
    counts, documents = learned_counts([("999999", "某事")], words, {leaf.code: leaf for leaf in LEAVES})
    assert (counts, dict(documents)) == ({}, {})


def test_search_puts_name_and_path_matches_first(words: Segmenter) -> None:
    model = model_build(LEAVES, words)
    assert search(model, words.words("物业"), "物业")[0] == "020306"  # the parent's name
    assert search(model, words.words("楼上漏水"), "楼上漏水") == ["020306"]
    assert search(model, words.words("0705"), "0705") == []
    assert search(model, words.words("07"), "07") == ["070302"]  # a code prefix
