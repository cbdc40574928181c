import pytest
from django.core.exceptions import ValidationError

from core.validators import credit_code_check_char, credit_code_error, mask_phone, validate_credit_code


def _valid(first17):
    return first17 + credit_code_check_char(first17)


# The example code printed in GB 32100-2015 explanations, and one built with the check function.
@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91320583MA1XYW001" + credit_code_check_char("91320583MA1XYW001")]
)
def test_known_valid_codes(code):
    assert credit_code_error(code) is None
    validate_credit_code(code)


def test_lowercase_and_spaces_are_normalised():
    assert credit_code_error(" 91350100m000100y43 ") is None


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("9132000013475454", "18位"),
        ("91320000134754542UX", "18位"),
        ("91320000I34754542U", "不允许的字符"),
        ("9132000O134754542U", "不允许的字符"),
        ("91ABCDEF134754542U", "行政区划码"),
        ("91350100M000100Y44", "校验位错误"),
    ],
)
def test_invalid_codes_get_a_chinese_reason(code, fragment):
    error = credit_code_error(code)
    assert error is not None and fragment in str(error)
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_check_char_flips_on_any_single_change():
    base = "91320583000000001"
    good = _valid(base)
    assert credit_code_error(good) is None
    for i in range(17):
        ch = good[i]
        replacement = "1" if ch != "1" else "2"
        bad = good[:i] + replacement + good[i + 1 :]
        assert credit_code_error(bad) is not None, bad


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("zhang@example.cn") == "z***@example.cn"
    assert mask_phone("") == ""
