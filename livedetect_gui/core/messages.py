"""Messages the core produces for people, as keys with parameters; the language is applied
when they are shown (the desk's current language, or the CLI's LANG/LC_ALL).

The core never formats an English sentence into a value that is stored or passed on: it
passes a ``Message`` (key + parameters), and each front end renders it with ``text()``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# key -> (English, Simplified Chinese); ``{name}`` fields are filled from the parameters.
CATALOGUE: dict[str, tuple[str, str]] = {
    "bad_profile_name": (
        "The profile name {name!r} cannot be used: names use letters, digits, '.', '_' or '-' "
        "(at most 64).",
        "配置名 {name!r} 无效：只能使用字母、数字、“.”、“_”或“-”（最多 64 个字符）。"),
    "no_profile": ("No credentials profile named {name!r} in the keyring (see `livedetect "
                   "credentials list`).",
                   "密钥环中没有名为 {name!r} 的凭据配置（见 `livedetect credentials list`）。"),
    # Credential problems (credentials.BadCredentials); field names are the provider's terms.
    "cred_unknown_api": ("credentials: unknown service generation {value!r}: use one of "
                         "{allowed}.",
                         "凭据无效：未知的服务版本 {value!r}，请使用以下之一：{allowed}。"),
    "cred_missing": ("credentials: {missing} missing.", "凭据无效：缺少 {missing}。"),
    "cred_spaces": ("credentials: the {field} has spaces around it (pasted with them?).",
                    "凭据无效：{field} 首尾有空格（是否连同空格一起粘贴了？）。"),
    "cred_not_ascii": ("credentials: the {field} contains a character that is not printable "
                       "ASCII (provider ids and keys never do: retype it rather than paste it).",
                       "凭据无效：{field} 含有非可打印 ASCII 字符（服务商的 ID 和密钥不会包含"
                       "此类字符，请重新输入而不是粘贴）。"),
    "cred_unknown_region": ("credentials: unknown region {region!r}: use one of {allowed}.",
                            "凭据无效：未知的地域 {region!r}，请使用以下之一：{allowed}。"),
    "env_incomplete": ("The LIVEDETECT_* environment credentials are incomplete: {missing} "
                       "missing.",
                       "LIVEDETECT_* 环境变量中的凭据不完整：缺少 {missing}。"),
    "no_credentials": ("no credentials: run `livedetect credentials set`, set LIVEDETECT_APPID, "
                       "LIVEDETECT_SECRET_ID and LIVEDETECT_SECRET_KEY, or try --sandbox.",
                       "没有凭据：请运行 `livedetect credentials set`，或设置 LIVEDETECT_APPID、"
                       "LIVEDETECT_SECRET_ID 和 LIVEDETECT_SECRET_KEY，或使用 --sandbox。"),
    "keyring_unavailable": ("No usable OS keyring was found: credentials cannot be saved. Use "
                            "credentials for this session only, or the sandbox.",
                            "未找到可用的系统密钥环，无法保存凭据。可仅在本次会话中使用凭据，"
                            "或使用沙箱。"),
    "bad_endpoint": ("The service address {endpoint!r} is not valid: use a full address "
                     "starting with http:// or https://.",
                     "服务地址 {endpoint!r} 无效：请使用以 http:// 或 https:// 开头的完整地址。"),
    "bad_settings": ("These connection settings cannot be used (the CA bundle, the proxy, "
                     "the timeouts or the credentials under Settings); the technical details "
                     "say which one.",
                     "这些连接设置无法使用（设置中的 CA 证书包、代理、超时或凭据）；"
                     "技术详情中说明了是哪一项。"),
    "summary": ("{total} checked: {passed} pass, {failed} fail, {errors} error",
                "共检测 {total} 张：通过 {passed}，未通过 {failed}，错误 {errors}"),
    "sandbox_notice": ("sandbox: scores are SIMULATED, not a liveness judgement",
                       "沙箱：分数为模拟值，并非活体判断"),
    "maybe_billed_twice": ("may have been billed twice", "可能被重复计费"),
    "self_test_ok": ("self-test ok: sample judged {verdict} (simulated, score {score}, "
                     "threshold {threshold})",
                     "自检通过：样张判定为 {verdict}（模拟，分数 {score}，阈值 {threshold}）"),
    "self_test_failed": ("self-test FAILED: {reason}", "自检失败：{reason}"),
    # What was not paid for, and why a batch stopped.
    "summary_saved": ("({reused} reused, {held} held, {refused} refused)",
                      "（复用 {reused}，暂缓 {held}，拒收 {refused}）"),
    "checked_before": ("reused from {when}, {kind}: not sent again",
                       "复用 {when} 的检测结果（{kind}），未重复发送"),
    "kind_simulated": ("simulated", "模拟"),
    "kind_live": ("live", "真实服务"),
    "held_word": ("HELD", "暂缓"),
    "refused_word": ("REFUSED", "拒收"),
    "stopped_credentials": ("stopped: the service rejected the credentials — fix them and run "
                            "again", "已停止：服务拒绝了凭据——请修正后重新运行"),
    "stopped_interrupted": ("interrupted: run the same command again to send what has no "
                            "result yet", "已中断：重新运行同一命令，只发送尚无结果的照片"),
    "cost_prompt": ("Run? [y/N]", "开始检测？[y/N]"),
    "nothing_sent": ("nothing sent", "未发送任何照片"),
    # Records a desk keeps until the shared history takes them.
    "shared_waiting": ("{count} records waiting to be sent to the shared store",
                       "{count} 条记录等待发送到共享存储"),
    "shared_waiting_one": ("1 record waiting to be sent to the shared store",
                           "1 条记录等待发送到共享存储"),
}


@dataclass(frozen=True)
class Message:
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return text(self.key, lang, **self.params)


def is_chinese(lang: str) -> bool:
    return lang.lower().startswith("zh")


def text(key: str, lang: str = "en", **params: object) -> str:
    en, zh = CATALOGUE[key]
    return (zh if is_chinese(lang) else en).format(**params)


def environment_language(env: Mapping[str, str] | None = None) -> str:
    """The language POSIX would pick for messages: LC_ALL, then LC_MESSAGES, then LANG
    (LANGUAGE, GNU's priority list, first when set). Returns "zh" or "en"."""
    env = os.environ if env is None else env
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if name == "LANGUAGE":
            value = value.split(":")[0]
        if value and value not in ("C", "POSIX"):
            return "zh" if is_chinese(value) else "en"
        if value in ("C", "POSIX") and name != "LANGUAGE":
            return "en"
    return "en"


# -- details: the parameters of a problem, as keys ------------------------------------------------
# A result's ``detail`` is stored as the English rendering of one of these (readable by every
# older reader of the trail: exports, the desk's technical details); ``detail_text`` finds the
# key again by its template and renders it in the language asked, so records written before
# are translated too. Free text (a server's own words) is shown as it is.
DETAILS: dict[str, tuple[str, str]] = {
    "animated_frames": ("{format} with {frames} frames", "{format} 动图，共 {frames} 帧"),
    "small_photo": ("{width}x{height}, short side under {limit} px",
                    "{width}x{height}，短边小于 {limit} 像素"),
    "aspect": ("{width}x{height} is {ratio}:1", "{width}x{height}，宽高比 {ratio}:1"),
    "faces": ("{count} faces", "{count} 张人脸"),
    "face_px": ("face {size} px, under {limit} px", "人脸 {size} 像素，小于 {limit} 像素"),
    "not_http_url": ("not an http(s) URL", "不是 http(s) URL"),
    "url_too_long": ("URL longer than {limit} characters", "URL 超过 {limit} 个字符"),
    "url_spaces": ("spaces or control characters in the URL (encode a space as %20)",
                   "URL 中含有空格或控制字符（空格请写作 %20）"),
}


def detail(key: str, **params: object) -> str:
    """A detail as stored: the English rendering of ``key``."""
    return DETAILS[key][0].format(**params)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.S)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(key, _pattern(en))
                                                for key, (en, _zh) in DETAILS.items()]


def detail_text(stored: str, lang: str = "en") -> str:
    """A stored detail in ``lang``: each "; "-separated part that is a known detail is
    rendered from its key, anything else is shown as written."""
    if not stored or not is_chinese(lang):
        return stored
    parts = []
    for part in stored.split("; "):
        for key, pattern in _PATTERNS:
            found = pattern.match(part)
            if found:
                part = DETAILS[key][1].format(**found.groupdict())
                break
        parts.append(part)
    return "；".join(parts)
