def test_messy_occupation_texts_are_read_as_the_ground_truth_says() -> None:
    """The generator's expectations rest on how the real classifier reads these texts."""
    from jaring.registry.occupations import classify_occupations
    from jaring.synthetic.messy.damage import (
        FUZZY_OCCUPATIONS,
        UNCLASSIFIABLE_OCCUPATIONS,
    )
    from jaring.synthetic.people import DEFAULT_MIX

    for code, texts in FUZZY_OCCUPATIONS.items():
        for text, result in classify_occupations(texts).items():
            assert (result.code, result.match) == (code, "fuzzy"), text
    for text, result in classify_occupations(UNCLASSIFIABLE_OCCUPATIONS).items():
        assert (result.code, result.match) == (None, "unclassified"), text
    for mix in DEFAULT_MIX:
        for text in mix.texts:
            for written in (text, text.upper(), text.lower()):
                result = classify_occupations([written])[written]
                assert (result.code, result.match) == (mix.code, "synonym"), written
