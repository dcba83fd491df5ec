import inspect

import models.errors as errors
from models.errors import SohoaError


def _error_classes() -> list[type[SohoaError]]:
    return [
        cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, SohoaError)
    ]


def test_every_error_has_a_status_an_exit_code_and_a_vietnamese_message() -> None:
    codes = set()
    for cls in _error_classes():
        assert 400 <= cls.http_status < 600
        assert cls.exit_code >= 1
        assert cls.default_message
        codes.add(cls.code)
    assert len(codes) == len(_error_classes()), "two error classes share a code"


def test_every_error_class_is_drawn_in_the_tree_of_the_module_docstring() -> None:
    assert errors.__doc__ is not None
    for cls in _error_classes():
        assert f" {cls.__name__} " in errors.__doc__, cls.__name__


def test_error_body_shape() -> None:
    body = errors.NotFound(detail={"code": "x"}).to_body()
    assert body == {
        "error": {"code": "not_found", "message": "Không tìm thấy", "detail": {"code": "x"}}
    }
