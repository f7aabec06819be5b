"""The catalogue of everything that can go wrong with a check, in English and Simplified Chinese.

Service codes come from the provider's error table; local problems (network, TLS, a bad
response, a refused image) get string keys. Each entry says what happened and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Audience(StrEnum):
    """Who reads a hint: the operator at the desk (what they can do there or in the provider's
    console) or someone at the command line (who may be told a command to run)."""

    OPERATOR = "operator"
    CLI = "cli"


@dataclass(frozen=True)
class Problem:
    message_en: str
    message_zh: str
    hint_en: str
    hint_zh: str
    # What kind of trouble: decides retrying and how the UI groups it.
    group: str
    # Every further call with the same credentials would be refused the same way: a batch
    # stops sending rather than pay for refusals. Marked below for the legacy codes; the API 3.0 catalogue marks
    # its own entries with ``tc3_rejects_credentials``.
    rejects_credentials: bool = False
    # The command line's own wording of the hint, when it names a command or an option the
    # desk has no use for; "" means the operator's hint serves both.
    cli_hint_en: str = ""
    cli_hint_zh: str = ""

    @property
    def retry_may_help(self) -> bool:
        """A new attempt could end differently: transient network or service trouble,
        throttling, or a photo never sent. A definitive answer (a signature or account
        refusal, no face, a bad photo) would only be paid for again."""
        return self.group in _TRANSIENT_GROUPS and not self.rejects_credentials

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang.startswith("zh") else self.message_en

    def hint(self, lang: str = "en", audience: Audience = Audience.OPERATOR) -> str:
        zh = lang.startswith("zh")
        if audience is Audience.CLI and self.cli_hint_en:
            return self.cli_hint_zh if zh else self.cli_hint_en
        return self.hint_zh if zh else self.hint_en


# Hints are (operator en, operator zh) or, with the command line's own wording, four strings
# (operator en, operator zh, cli en, cli zh).
_SIG_HINT = (
    "Compare the appid, secret id and secret key in the profile with the API keys in the "
    "provider's console, and check that this computer's clock is right.",
    "请将配置中的 appid、secret id 和 secret key 与服务商控制台中的 API 密钥逐一核对，"
    "并确认本机时间准确。",
    "Check the appid, secret id and secret key in the profile; run `livedetect sign` to compare.",
    "请核对配置中的 appid、secret id 和 secret key；可用 `livedetect sign` 对照签名。",
)
_SERVICE_HINT = (
    "The service is having trouble; try again in a few minutes.",
    "服务暂时异常，请几分钟后重试。",
)
_VIDEO_HINT = (
    "This code belongs to another API (video or ID card checks); contact support if it persists.",
    "该错误码属于其他接口（视频或身份证核验）；如持续出现请联系技术支持。",
)


_TRANSIENT_GROUPS = frozenset({"network", "service", "throttle", "not_sent"})


def _p(en: str, zh: str, hint: tuple[str, ...], group: str) -> Problem:
    cli = hint[2:4] if len(hint) == 4 else ("", "")
    return Problem(en, zh, hint[0], hint[1], group, cli_hint_en=cli[0], cli_hint_zh=cli[1])


SERVICE_CODES: dict[int, Problem] = {
    3: _p("Bad request (the account may be in arrears and suspended)",
          "错误的请求（账号可能欠费停服）",
          ("Check the account's billing status in the provider console.",
           "请在控制台检查账号是否欠费。"), "request"),
    4: _p("The signature is empty", "签名为空", _SIG_HINT, "signature"),
    5: _p("The signature is malformed", "签名串错误", _SIG_HINT, "signature"),
    6: _p("The appid/bucket in the signature does not match the request",
          "签名中的 appid/bucket 与操作目标不匹配", _SIG_HINT, "signature"),
    9: _p("The signature has expired", "签名过期",
          ("Check that this computer's clock is correct.", "请检查本机时间是否准确。"),
          "signature"),
    10: _p("The appid does not exist", "appid 不存在", _SIG_HINT, "signature"),
    11: _p("The secret id does not exist", "secretid 不存在", _SIG_HINT, "signature"),
    12: _p("The appid and secret id do not match", "appid 和 secretid 不匹配", _SIG_HINT,
           "signature"),
    13: _p("Replay detected: the signature was already used", "重放攻击",
           ("Run the check again; a fresh signature is made.", "请重新检测，将生成新签名。"),
           "signature"),
    14: _p("The signature check failed (wrong secret key?)", "签名校验失败（secret key 错误？）",
           _SIG_HINT, "signature"),
    15: _p("Too many requests: the service is throttling", "操作太频繁，触发频控",
           ("Lower the concurrency in the settings, or wait a minute.",
            "请在设置中降低并发数，或稍等一分钟。"), "throttle"),
    16: _p("The bucket does not exist", "Bucket 不存在",
           ("Leave the bucket empty in the profile; this API does not need one.",
            "请将配置中的 bucket 留空，此接口不需要 bucket。"), "signature"),
    21: _p("Invalid parameters", "无效参数",
           ("Check the appid in the profile; report this if it persists.",
            "请检查配置中的 appid；如持续出现请反馈。"), "request"),
    23: _p("The request body is too large (over 6 MB)", "请求包体过大（超过 6MB）",
           ("Lower the maximum image size in the settings.", "请在设置中调小图片尺寸上限。"),
           "request"),
    107: _p("The authentication service is unavailable", "鉴权服务不可用", _SERVICE_HINT,
            "service"),
    108: _p("The authentication service is unavailable", "鉴权服务不可用", _SERVICE_HINT,
            "service"),
    213: _p("Internal error in the service", "内部错误", _SERVICE_HINT, "service"),
    -4006: _p("Selfie feature extraction failed (video)", "视频中自拍照特征提取失败", _VIDEO_HINT,
              "image"),
    -4007: _p("Selfie comparison failed (video)", "视频中自拍照之间对比失败", _VIDEO_HINT, "image"),
    -4009: _p("Card photo feature extraction failed", "Card 照片提取特征失败", _VIDEO_HINT, "image"),
    -4010: _p("Selfie/card similarity failed", "自拍照与Card照片相似度计算失败", _VIDEO_HINT,
              "image"),
    -4015: _p("No face was found in the photo", "自拍照人脸检测失败",
              ("Retake the photo with the whole face visible, well lit and in focus.",
               "请重拍：脸部完整、光线充足、对焦清晰。"), "image"),
    -4016: _p("The service could not decode the photo", "自拍照解码失败",
              ("Re-save the photo as JPEG or PNG and try again.",
               "请将照片另存为 JPEG 或 PNG 后重试。"), "image"),
    -4017: _p("No face was found in the card photo", "Card 照片人脸检测失败", _VIDEO_HINT, "image"),
    -4018: _p("The card photo could not be decoded", "Card 照片解码失败", _VIDEO_HINT, "image"),
    -5001: _p("Invalid video", "视频无效", _VIDEO_HINT, "image"),
    -5002: _p("Lip reading failed", "唇语失败", _VIDEO_HINT, "image"),
    -5005: _p("Not enough frames parsed from the selfie", "自拍照解析照片不足", _VIDEO_HINT, "image"),
    -5007: _p("The video has no sound", "视频没有声音", _VIDEO_HINT, "image"),
    -5008: _p("Speech recognition failed", "声音识别失败", _VIDEO_HINT, "image"),
    -5009: _p("No mouth or face found in the video", "视频人脸检测失败，没有嘴或者脸", _VIDEO_HINT,
              "image"),
    -5010: _p("Lip movement check failed", "唇动失败", _VIDEO_HINT, "image"),
    -5011: _p("Liveness detection failed", "活体检测失败",
              ("Retake the photo and try again.", "请重拍后重试。"), "image"),
    -5012: _p("Too much noise in the video", "视频中噪声太大", _VIDEO_HINT, "image"),
    -5013: _p("The sound in the video is too quiet", "视频里的声音太小", _VIDEO_HINT, "image"),
    -5014: _p("Invalid liveness level parameter", "活体检测 level 参数无效", _VIDEO_HINT, "request"),
    -5015: _p("Video resolution too low (minimum 320x480)", "视频像素太低，最小 320*480",
              _VIDEO_HINT, "image"),
    -5801: _p("ID card number or name missing", "请求缺少身份证号码或身份证姓名", _VIDEO_HINT,
              "request"),
    -5802: _p("Internal server error: the service is temporarily unavailable",
              "服务器内部错误，服务暂时不可用", _SERVICE_HINT, "service"),
    -5803: _p("ID card name and number do not match", "身份证姓名与身份证号码不一致", _VIDEO_HINT,
              "request"),
    -5804: _p("Invalid ID card number", "身份证号码无效", _VIDEO_HINT, "request"),
    -5805: _p("No image was received, or the URL could not be downloaded",
              "用户未输入图像或者 url 下载失败",
              ("Check that the URL opens in a browser from the internet (not only inside your "
               "network), or send the file instead.",
               "请确认该 URL 可从公网访问，或改为上传文件。"), "image"),
    -5806: _p("ID card number or name badly formatted", "身份证号码或者身份证姓名格式错误",
              _VIDEO_HINT, "request"),
    -5807: _p("ID card lookup failed", "查询身份证信息错误", _VIDEO_HINT, "service"),
}

_TC3_SIG_HINT = (
    "Compare the secret id and secret key in the profile with the API keys in the provider's "
    "console (no spaces around them), and check that this computer's clock is right.",
    "请将配置中的 secret id 和 secret key 与服务商控制台中的 API 密钥核对（前后不要有空格），"
    "并确认本机时间准确。",
    "Check the secret id and secret key in the profile (no spaces around them); run "
    "`livedetect sign --api tc3` to compare.",
    "请核对配置中的 secret id 和 secret key（前后不要有空格）；可用 `livedetect sign --api tc3` 对照签名。",
)
_ACCOUNT_HINT = (
    "Check the account in the provider console: the face service must be opened, paid for "
    "and allowed for this key.",
    "请在控制台检查账号：需已开通人脸服务、无欠费，且该密钥有调用权限。",
)
_REQUEST_HINT = (
    "This desk sent a request the service does not accept; update the desk or report it.",
    "本软件发送了服务不接受的请求；请升级软件或反馈此问题。",
)
_RETAKE_HINT = (
    "Retake the photo: the whole face visible, larger than 100x100 px, well lit and in focus.",
    "请重拍：脸部完整且大于 100x100 像素，光线充足、对焦清晰。",
)
_URL_HINT = (
    "Check that the URL opens from the internet (not only inside your network), or send the "
    "file instead.",
    "请确认该 URL 可从公网访问，或改为上传文件。",
)
_LIMIT_HINT = (
    "The desk prepares photos within the service's limits; re-add the photo, or check the "
    "maximum image size in the settings.",
    "本软件会将照片处理到服务限制之内；请重新添加照片，或检查设置中的图片尺寸上限。",
)

# API 3.0 (DetectLiveFaceAccurate) error codes: strings, from the provider's lists for this
# action and its common error list. ``ResourceUnavailable.*`` codes not named here fall back to
# the family entry (see ``service_problem``).
TC3_CODES: dict[str, Problem] = {
    "AuthFailure.SignatureFailure": _p(
        "The signature was refused (wrong secret key?)", "签名校验失败（secret key 错误？）",
        _TC3_SIG_HINT, "signature"),
    "AuthFailure.SignatureExpire": _p(
        "The signature has expired: this computer's clock is off",
        "签名过期：本机时间不准确",
        ("Correct the system time (turn on automatic time); the service allows 5 minutes.",
         "请校准系统时间（开启自动同步时间）；服务只允许 5 分钟误差。"), "signature"),
    "AuthFailure.SecretIdNotFound": _p(
        "The secret id does not exist (or is disabled)", "secret id 不存在或已被禁用",
        _TC3_SIG_HINT, "signature"),
    "AuthFailure.InvalidSecretId": _p(
        "The secret id is not valid (not an API key)", "secret id 无效（不是云 API 密钥）",
        _TC3_SIG_HINT, "signature"),
    "AuthFailure.MFAFailure": _p(
        "Multi-factor authentication failed for this key", "MFA 校验失败",
        _ACCOUNT_HINT, "signature"),
    "AuthFailure.UnauthorizedOperation": _p(
        "This key is not authorised for the face service", "该密钥未被授权调用人脸服务",
        _ACCOUNT_HINT, "signature"),
    "UnauthorizedOperation": _p(
        "The operation is not authorised for this account", "未授权操作",
        _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable": _p(
        "The face service is not available for this account", "该账号的人脸服务不可用",
        _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable.InArrears": _p(
        "The account is in arrears", "账号已欠费", _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable.NotReady": _p(
        "The face service is not opened for this account", "人脸服务未开通",
        _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable.StopUsing": _p(
        "The face service is suspended for this account", "人脸服务已停用",
        _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable.Freeze": _p(
        "The account is frozen", "账号已冻结", _ACCOUNT_HINT, "signature"),
    "ResourceUnavailable.ResourcePackageRunOut": _p(
        "The account's resource package is used up", "资源包已用完", _ACCOUNT_HINT, "signature"),
    "UnsupportedRegion": _p(
        "The region does not offer this service", "该地域不支持此接口",
        ("Choose one of the provider's regions for face liveness in the profile.",
         "请在配置中选择人脸活体服务支持的地域。"), "request"),
    "InvalidAction": _p("The service does not know this action", "接口不存在",
                        _REQUEST_HINT, "request"),
    "NoSuchVersion": _p("The service does not know this API version", "接口版本不存在",
                        _REQUEST_HINT, "request"),
    "RequestLimitExceeded": _p(
        "Too many requests: the service is throttling", "请求频率超过限制",
        ("Lower the concurrency in the settings, or wait a minute.",
         "请在设置中降低并发数，或稍等一分钟。"), "throttle"),
    "FailedOperation.RequestLimitExceeded": _p(
        "Too many requests for this account: the service is throttling", "账号请求频率超过限制",
        ("Lower the concurrency in the settings, or wait a minute.",
         "请在设置中降低并发数，或稍等一分钟。"), "throttle"),
    "FailedOperation.ImageDecodeFailed": _p(
        "The service could not decode the photo", "图片解码失败",
        ("Re-save the photo as JPEG or PNG and try again.", "请将照片另存为 JPEG 或 PNG 后重试。"),
        "image"),
    "FailedOperation.ImageDownloadError": _p(
        "The service could not download the image URL", "图片下载失败", _URL_HINT, "image"),
    "FailedOperation.ImageFacedetectFailed": _p(
        "No face was found in the photo", "人脸检测失败", _RETAKE_HINT, "image"),
    "FailedOperation.ImageResolutionExceed": _p(
        "The photo's resolution is over the service's limit (JPEG 4000 px, others 2000 px)",
        "图片分辨率过大（JPEG 长边 4000 像素，其他格式 2000 像素）", _LIMIT_HINT, "image"),
    "FailedOperation.ImageResolutionTooSmall": _p(
        "The photo's resolution is too small", "图片分辨率过小", _RETAKE_HINT, "image"),
    "FailedOperation.ImageSizeExceed": _p(
        "The photo is over the service's 5 MB limit (base64)", "图片 base64 后超过 5MB",
        _LIMIT_HINT, "image"),
    "InvalidParameterValue.ImageEmpty": _p(
        "No image was received", "图片为空",
        ("Check that the file is a readable photo and try again.",
         "请确认文件是可读的照片后重试。"), "image"),
    "InvalidParameterValue.NoFaceInPhoto": _p(
        "There is no face in the photo", "图片中没有人脸", _RETAKE_HINT, "image"),
    "InvalidParameterValue.UrlIllegal": _p(
        "The image URL is not valid for the service", "URL 格式不合法", _URL_HINT, "request"),
    "InvalidParameterValue.FaceModelVersionIllegal": _p(
        "The face model version is not accepted", "算法模型版本不合法", _REQUEST_HINT, "request"),
    "MissingParameter.ErrorParameterEmpty": _p(
        "A required parameter is empty", "必选参数为空", _REQUEST_HINT, "request"),
    "FailedOperation.RequestTimeout": _p(
        "The service timed out processing the request", "后端服务超时", _SERVICE_HINT, "service"),
    "FailedOperation.RpcFail": _p(
        "An internal call inside the service failed", "RPC 调用失败", _SERVICE_HINT, "service"),
    "FailedOperation.ServerError": _p(
        "Internal error in the service", "算法服务异常", _SERVICE_HINT, "service"),
    "FailedOperation.UnKnowError": _p(
        "The service failed with an unknown internal error", "内部未知错误", _SERVICE_HINT,
        "service"),
    "InternalError": _p("Internal error in the service", "内部错误", _SERVICE_HINT, "service"),
}

_NET_HINT = (
    "Check the network connection and the endpoint and proxy in the settings.",
    "请检查网络连接以及设置中的服务地址和代理。",
)

LOCAL_PROBLEMS: dict[str, Problem] = {
    "unknown_code": _p("The service answered with an unknown error code",
                       "服务返回了未知错误码",
                       ("Note the code and contact support.", "请记下错误码并联系技术支持。"),
                       "service"),
    "bad_json": _p("The service's answer was not valid JSON", "服务返回的内容不是有效的 JSON",
                   ("Check the endpoint in the settings; a proxy or captive portal may be "
                    "answering instead of the service.",
                    "请检查服务地址；可能是代理或认证网关代替了服务在应答。"), "protocol"),
    "bad_score": _p("The service's answer has no valid score (0..100)",
                    "服务返回的分数缺失或超出 0..100",
                    ("Try again; report it if it persists.", "请重试；如持续出现请反馈。"),
                    "protocol"),
    "http_error": _p("The server answered with an HTTP error", "服务器返回了 HTTP 错误",
                     ("Check the endpoint in the settings; try again later.",
                      "请检查服务地址，稍后重试。"), "service"),
    "timeout": _p("The service did not answer in time: it answered too slowly (connected, but "
                  "no complete answer)", "服务未按时应答：应答太慢（已连接，但未完整应答）",
                  ("Try again; raise the timeouts in the settings on a slow network.",
                   "请重试；网络较慢时可在设置中增大超时时间。"), "network"),
    "answer_too_large": _p("The service's answer was far larger than any real answer",
                           "服务的应答远大于正常大小",
                           ("Check the endpoint in the settings: something other than the "
                            "service is answering.",
                            "请检查服务地址：应答的可能不是该服务。"), "protocol"),
    "redirected": _p("The endpoint redirected the check elsewhere (not followed: the photo "
                     "goes only where you configured)",
                     "服务地址将请求重定向到别处（未跟随：照片只发往已配置的地址）",
                     ("Put the final address in the endpoint setting if you trust it.",
                      "如信任该地址，请将其直接填写为服务地址。"), "protocol"),
    "connect_timeout": _p("Could not connect to the service in time", "连接服务超时", _NET_HINT,
                          "network"),
    "dns": _p("The service's host name could not be resolved", "无法解析服务的域名", _NET_HINT,
              "network"),
    "connection": _p("Could not connect to the service", "无法连接到服务", _NET_HINT, "network"),
    "connection_lost": _p("The connection dropped before the service answered",
                          "在服务应答前连接中断", _NET_HINT, "network"),
    "tls": _p("The secure connection failed (certificate not trusted)",
              "安全连接失败（证书不受信任）",
              ("Check the system clock; behind a corporate proxy, set its CA bundle in the "
               "settings.", "请检查系统时间；如使用企业代理，请在设置中指定其 CA 证书。"),
              "network"),
    "tls_plain_http": _p("The endpoint does not speak https: it answered in plain HTTP",
                         "服务地址不支持 https：对方以明文 HTTP 应答",
                         ("Check the endpoint's address and port; use http:// only for a local "
                          "sandbox.", "请检查服务地址和端口；仅本地沙箱可使用 http://。"),
                         "network"),
    "tls_failed": _p("The secure connection could not be set up", "无法建立安全连接",
                     ("Check the endpoint and proxy settings; a network filter may be "
                      "interfering.", "请检查服务地址和代理设置；可能有网络设备在干扰。"),
                     "network"),
    "proxy": _p("The proxy refused or failed the connection", "代理拒绝或连接失败",
                ("Check the proxy address in the settings.", "请检查设置中的代理地址。"),
                "network"),
    "bad_url": _p("The endpoint or image URL is not valid", "服务地址或图片 URL 无效",
                  ("Use a full address starting with http:// or https://.",
                   "请使用以 http:// 或 https:// 开头的完整地址。"), "request"),
    "body_too_large": _p("The prepared request would exceed the service's size limit",
                         "准备好的请求超过服务的大小上限",
                         ("Lower the maximum image size in the settings.",
                          "请在设置中调小图片尺寸上限。"), "request"),
    "cancelled": _p("Cancelled before it was sent", "发送前已取消",
                    ("Run it again when ready.", "需要时可重新运行。"), "cancelled"),
    "no_credentials": _p("No credentials are configured", "未配置凭据",
                         ("Add a profile under Credentials, or use the sandbox.",
                          "请在“凭据”中添加配置，或使用沙箱。",
                          "Add a profile (`livedetect credentials set`) or use the sandbox.",
                          "请添加凭据（`livedetect credentials set`）或使用沙箱。"), "request"),
    "internal": _p("An unexpected error stopped this check", "意外错误中止了本次检测",
                   ("Try again; report it with the log if it persists.",
                    "请重试；如持续出现请附日志反馈。"), "internal"),
    # Image refusals: the photo is never sent, nothing is billed.
    "file_missing": _p("The file does not exist (moved or deleted?)", "文件不存在（已移动或删除？）",
                       ("Add the file again from its new place.", "请从新位置重新添加文件。"),
                       "image"),
    "file_unreadable": _p("The file cannot be read", "无法读取文件",
                          ("Check that the file is not locked and that you may read it.",
                           "请检查文件是否被占用以及读取权限。"), "image"),
    "file_empty": _p("The file is empty (0 bytes)", "文件为空（0 字节）",
                     ("Copy the photo again from its source.", "请从来源重新拷贝照片。"), "image"),
    "not_image": _p("The file is not an image this desk can read", "该文件不是可读取的图片",
                    ("Use JPEG, PNG, WebP, BMP, TIFF, GIF or HEIC.",
                     "请使用 JPEG、PNG、WebP、BMP、TIFF、GIF 或 HEIC 格式。"), "image"),
    "truncated": _p("The image file is truncated or corrupt", "图片文件不完整或已损坏",
                    ("Copy the photo again from its source.", "请从来源重新拷贝照片。"), "image"),
    "animated": _p("Animated images are not supported by the service",
                   "服务不支持动图",
                   ("Use a single still photo (JPEG or PNG).", "请使用单张静态照片（JPEG 或 PNG）。"),
                   "image"),
    "too_many_pixels": _p("The image has too many pixels to open safely",
                          "图片像素过多，无法安全打开",
                          ("Scale the photo down below the pixel limit first.",
                           "请先将照片缩小到像素上限以下。"), "image"),
    "too_large": _p("The photo cannot be compressed under the service's size limit",
                    "照片无法压缩到服务的大小上限以下",
                    ("Lower the maximum image size in the settings.",
                     "请在设置中调小图片尺寸上限。"), "image"),
}


# -- Credentials or account rejected: a batch stops sending --------------------------------------
# Legacy: 3 (account in arrears), the signature/appid/secret codes, and 9 (expired) because the
# client renews an expired signature once before a result carries code 9.
CREDENTIALS_REJECTED_CODES = frozenset({3, 4, 5, 6, 9, 10, 11, 12, 14})
for _code in CREDENTIALS_REJECTED_CODES:
    SERVICE_CODES[_code] = replace(SERVICE_CODES[_code], rejects_credentials=True)
TC3_CREDENTIALS_REJECTED = ("AuthFailure.", "UnauthorizedOperation", "ResourceUnavailable.")


def tc3_rejects_credentials(code: str) -> bool:
    """API 3.0 error codes after which no call with these credentials can succeed."""
    return code.startswith(TC3_CREDENTIALS_REJECTED)


for _name in TC3_CODES:
    if tc3_rejects_credentials(_name) or _name == "ResourceUnavailable":
        TC3_CODES[_name] = replace(TC3_CODES[_name], rejects_credentials=True)


_HOLD_HINT = ("Not sent, nothing billed. Retake or choose another photo, or choose Send anyway.",
              "未发送、未计费。请重拍或换一张照片，或选择“仍然发送”。",
              "Not sent, nothing billed. Retake or choose another photo, or send it anyway "
              "(`--force`).", "未发送、未计费。请重拍或换一张照片，或强制发送（`--force`）。")
# Results of photos that were never sent (a batch stopped) or held back by the pre-checks.
LOCAL_PROBLEMS.update({
    "not_sent_credentials": Problem(
        "Not sent: the service rejected the credentials — fix them and run again",
        "未发送：服务拒绝了凭据——请修正后重新运行",
        "Check the appid, secret id, secret key and the account's billing status, then run "
        "again; photos already judged are not sent twice.",
        "请检查 appid、secret id、secret key 以及账号是否欠费，然后重新运行；已判定的照片不会重复发送。",
        "not_sent"),
    "not_sent_interrupted": _p("Not sent (interrupted)", "未发送（已中断）",
                               ("Run the same command again: only photos without a result are "
                                "sent.", "重新运行同一命令：只发送尚无结果的照片。"), "not_sent"),
    "held_small": _p("Held: the photo is too small for a reliable check",
                     "已暂缓：照片太小，无法可靠检测", _HOLD_HINT, "held"),
    "held_small_face": _p("Held: the face is too small for this service",
                          "已暂缓：人脸太小，不符合该服务的要求", _HOLD_HINT, "held"),
    "held_aspect": _p("Held: extreme aspect ratio (over 2.5:1) — not a face photo",
                      "已暂缓：宽高比过于极端（超过 2.5:1），不像人脸照片", _HOLD_HINT, "held"),
    "held_dark": _p("Held: the photo is very dark", "已暂缓：照片过暗", _HOLD_HINT, "held"),
    "held_overexposed": _p("Held: the photo is overexposed", "已暂缓：照片曝光过度", _HOLD_HINT,
                           "held"),
    "held_blurred": _p("Held: the photo is blurred", "已暂缓：照片模糊", _HOLD_HINT, "held"),
    "held_no_face": _p("Held: no face found in the photo", "已暂缓：照片中未发现人脸", _HOLD_HINT,
                       "held"),
    "held_faces": _p("Held: more than one face in the photo", "已暂缓：照片中有多张人脸",
                     _HOLD_HINT, "held"),
})


def service_problem(code: int | str) -> Problem:
    """The catalogue entry of a service code: int codes are the legacy API's, strings API 3.0's."""
    if isinstance(code, str):
        found = TC3_CODES.get(code)
        if found is None and code.startswith("ResourceUnavailable."):
            found = TC3_CODES["ResourceUnavailable"]  # arrears, not opened, suspended...
        return found or LOCAL_PROBLEMS["unknown_code"]
    return SERVICE_CODES.get(code) or LOCAL_PROBLEMS["unknown_code"]


def local_problem(key: str) -> Problem:
    return LOCAL_PROBLEMS[key]


# Refused before any call: the photo itself (its file, its format, its size) or a URL that is
# no http(s) address. Never sent, never judged, nothing billed; sending it again would be
# refused again.
REFUSALS = frozenset({key for key, problem in LOCAL_PROBLEMS.items() if problem.group == "image"}
                     | {"bad_url"})


def is_refusal(problem_key: str | None) -> bool:
    return problem_key in REFUSALS


def is_hold(problem_key: str | None) -> bool:
    """Held back by a pre-check: never sent, never judged, nothing billed (until sent anyway)."""
    return (problem_key or "").startswith("held")


def may_be_decided(problem_key: str | None) -> bool:
    """A recorded check the operator may decide on (a judgement, or a service error to
    escalate): not one held by a pre-check (sent anyway or removed) nor one refused before
    sending (removed): neither was sent. Which checks *wait* for a decision (judgements
    only) is ``trail.decidable``'s rule."""
    return not is_hold(problem_key) and not is_refusal(problem_key)


def hold_summary(holds: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """Why a photo is held, every pre-check that held it, in one line (the CLI, the desk and
    the trail say it alike)."""
    sep = "；" if lang.startswith("zh") else "; "
    return sep.join(local_problem(key).message(lang) for key in holds if key in LOCAL_PROBLEMS)
