"""The error catalogue: every API 3.0 reference code has an explanation in both languages."""

from __future__ import annotations

from livedetect_gui.core.errors import (
    LOCAL_PROBLEMS,
    SERVICE_CODES,
    TC3_CODES,
    local_problem,
    service_problem,
)
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.verdict import Verdict

# Every code the shared API reference lists for this action (../shared/api/README.md).
REFERENCE_CODES = [
    "AuthFailure.SignatureFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound",
    "AuthFailure.InvalidSecretId", "AuthFailure.MFAFailure", "AuthFailure.UnauthorizedOperation",
    "UnauthorizedOperation", "ResourceUnavailable.InArrears", "ResourceUnavailable.NotReady",
    "ResourceUnavailable.StopUsing", "UnsupportedRegion", "InvalidAction", "NoSuchVersion",
    "RequestLimitExceeded", "FailedOperation.RequestLimitExceeded",
    "FailedOperation.ImageDecodeFailed", "FailedOperation.ImageDownloadError",
    "FailedOperation.ImageFacedetectFailed", "FailedOperation.ImageResolutionExceed",
    "FailedOperation.ImageResolutionTooSmall", "FailedOperation.ImageSizeExceed",
    "InvalidParameterValue.ImageEmpty", "InvalidParameterValue.NoFaceInPhoto",
    "InvalidParameterValue.UrlIllegal", "InvalidParameterValue.FaceModelVersionIllegal",
    "MissingParameter.ErrorParameterEmpty", "FailedOperation.RequestTimeout",
    "FailedOperation.RpcFail", "FailedOperation.ServerError", "FailedOperation.UnKnowError",
    "InternalError",
]


def test_catalogue_covers_every_reference_code_in_both_languages() -> None:
    unknown = LOCAL_PROBLEMS["unknown_code"]
    for code in REFERENCE_CODES:
        problem = service_problem(code)
        assert problem is not unknown, code
        assert problem.message("en") and problem.hint("en"), code
        assert problem.message("zh") != problem.message("en") and problem.hint("zh"), code
    assert service_problem("ResourceUnavailable.SomethingNew") is TC3_CODES["ResourceUnavailable"]
    odd = CheckResult(source="x", threshold=40, code="FailedOperation.Brand.New", api="tc3",
                      detail="provider says hi")
    assert odd.problem is unknown and odd.verdict is Verdict.ERROR
    assert "FailedOperation.Brand.New" in odd.message() and "provider says hi" in odd.message()


def test_operator_hints_name_no_command_and_the_cli_keeps_its_own() -> None:
    """The desk's operator is told what they can do (the provider's console, the clock, the
    Send anyway button), never a command to run; the command line keeps its own wording."""
    from livedetect_gui.core.errors import Audience

    every = [*SERVICE_CODES.values(), *TC3_CODES.values(), *LOCAL_PROBLEMS.values()]
    for problem in every:
        for lang in ("en", "zh"):
            assert "`" not in problem.hint(lang), problem.message_en
            assert "--" not in problem.hint(lang), problem.message_en
    signature = service_problem(14)
    assert "console" in signature.hint("en") and "clock" in signature.hint("en")
    assert "控制台" in signature.hint("zh")
    assert "livedetect sign" in signature.hint("en", Audience.CLI)
    assert "livedetect sign --api tc3" in service_problem(
        "AuthFailure.SignatureFailure").hint("zh", Audience.CLI)
    held = local_problem("held_dark")
    assert "Send anyway" in held.hint("en") and "--force" in held.hint("en", Audience.CLI)
    # Entries with one wording give it to both audiences.
    timeout = local_problem("timeout")
    assert timeout.hint("en", Audience.CLI) == timeout.hint("en")
