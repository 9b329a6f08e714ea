//! The error catalogue: every code the documents list, with the documented
//! Chinese message, an English message, a category and whether a retry can
//! help.
//!
//! Codes live in five tables, because the documents reuse codes across them
//! (`999999` is "系统未知异常" as a `ret_code`, "用户未订阅" as a Messenger
//! send `error_code` and "发送失败" as a LINE `error_code`; `1` is an error code
//! and a `message_status`). [`lookup`] answers for a code as an API error
//! (`ret_code` first, then the Messenger `error_code` table); [`lookup_in`]
//! reads one table.

use serde::Serialize;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

/// Which documented table a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify), tsify(rename = "ErrorTable"))]
pub enum Table {
    /// `ret_code` of every Sobot answer (错误编码, both documents).
    #[serde(rename = "ret_code")]
    RetCode,
    /// Messenger send record `error_code` (Facebook's codes and Sobot's own).
    #[serde(rename = "error_code")]
    ErrorCode,
    /// LINE send record `error_code` (error_code错误码).
    #[serde(rename = "line_error_code")]
    LineErrorCode,
    /// Send record `message_status`.
    #[serde(rename = "message_status")]
    MessageStatus,
    /// Messenger message tags (`message_tag类型` and the send table's `tag参数`).
    #[serde(rename = "message_tag")]
    MessageTag,
}

impl Table {
    /// The table's wire name, as used by `describeError(code, table)`.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::RetCode => "ret_code",
            Table::ErrorCode => "error_code",
            Table::LineErrorCode => "line_error_code",
            Table::MessageStatus => "message_status",
            Table::MessageTag => "message_tag",
        }
    }

    /// The table for a wire name.
    pub fn from_name(name: &str) -> Option<Table> {
        [
            Table::RetCode,
            Table::ErrorCode,
            Table::LineErrorCode,
            Table::MessageStatus,
            Table::MessageTag,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
    }
}

/// What kind of outcome a code reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(Tsify), tsify(rename = "ErrorCategory"))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Not an error (`000000`, delivered, read).
    Success,
    /// A descriptive value, not an outcome (message tags).
    Info,
    /// Token, access token or permission problem.
    Auth,
    /// The request itself is wrong; fix it before sending again.
    Validation,
    /// Too many calls or messages; slow down.
    RateLimit,
    /// A platform policy forbids the send (window, opt-out, block, ban).
    Policy,
    /// A passing failure on the platform's side.
    Transient,
    /// The target does not exist or cannot ever be reached this way.
    Permanent,
}

/// One code of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(
    target_arch = "wasm32",
    derive(Tsify),
    tsify(rename = "ErrorCatalogueEntry")
)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The table the code is listed in.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorTable"))]
    pub table: Table,
    /// The code as the platform sends it.
    pub code: &'static str,
    /// The message exactly as documented (Chinese).
    pub message_zh: &'static str,
    /// The message in English.
    pub message_en: &'static str,
    /// What kind of outcome it is.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorCategory"))]
    pub category: Category,
    /// Whether repeating the call (after a backoff or a token refresh) can succeed.
    pub retryable: bool,
}

use Category::*;
use Table::*;

const fn e(
    table: Table,
    code: &'static str,
    message_zh: &'static str,
    message_en: &'static str,
    category: Category,
    retryable: bool,
) -> Entry {
    Entry {
        table,
        code,
        message_zh,
        message_en,
        category,
        retryable,
    }
}

/// Every code of the documents, table by table, in the documents' order.
/// Duplicates within a table (`1545041`) are kept as documented.
pub const ENTRIES: &[Entry] = &[
    // ret_code — Messenger and LINE 错误编码
    e(RetCode, "000000", "操作成功(除此编码以外的编码为错误编码)", "Success (every other code is an error code)", Success, false),
    e(RetCode, "900001", "token 为空", "The token is missing", Auth, true),
    e(RetCode, "900002", "token 已失效,请重新获取", "The token has expired; get a new one", Auth, true),
    e(RetCode, "999994", "参数异常,请检查", "Invalid parameters; check the request", Validation, false),
    e(RetCode, "999999", "系统未知异常", "Unknown system error", Transient, true),
    e(RetCode, "210001", "Facebook主页ID不能为空", "The Facebook Page id must not be empty", Validation, false),
    e(RetCode, "210002", "Facebook主页ID不存在或者输入错误", "The Facebook Page id does not exist or is wrong", Validation, false),
    e(RetCode, "210003", "订阅主题不能为空", "The subscription topic must not be empty", Validation, false),
    e(RetCode, "210004", "订阅主题长度不能超过65个字符", "The subscription topic must not exceed 65 characters", Validation, false),
    e(RetCode, "210005", "订阅主题描述不能为空", "The topic description must not be empty", Validation, false),
    e(RetCode, "210006", "订阅主题描述不能超过65个字符", "The topic description must not exceed 65 characters", Validation, false),
    e(RetCode, "210007", "按钮类型不能为空", "The button type must not be empty", Validation, false),
    e(RetCode, "210008", "当前主页下订阅主题已存在", "This subscription topic already exists on the Page", Permanent, false),
    e(RetCode, "210009", "用户Facebook ID不能为空", "The user's Facebook id must not be empty", Validation, false),
    e(RetCode, "210010", "系统上不存在该主页的订阅主题", "The Page has no such subscription topic", Permanent, false),
    e(RetCode, "210011", "修改订阅主题不支持修改主页ID和订阅主题", "Updating a topic cannot change its Page id or its topic", Validation, false),
    e(RetCode, "210012", "图片比例不能为空", "The image ratio must not be empty", Validation, false),
    e(RetCode, "210013", "传入的configID不正确或已删除", "The configid is wrong or the topic was deleted", Permanent, false),
    // error_code — Messenger send records
    e(ErrorCode, "1", "出现未知错误。", "An unknown error occurred.", Transient, true),
    e(ErrorCode, "1357046", "收到无效的 JSON 回复。", "An invalid JSON reply was received.", Transient, true),
    e(ErrorCode, "2", "发生意外的错误。请稍后重试您的请求。", "An unexpected error occurred. Retry the request later.", Transient, true),
    e(ErrorCode, "2018344", "服务暂时不可用", "The service is temporarily unavailable", Transient, true),
    e(ErrorCode, "4", "速率限制错误:已达到应用程序请求限制。", "Rate limit: the application request limit was reached.", RateLimit, true),
    e(ErrorCode, "2018354", "营销消息 – 给定通知的 2 个通知之间必须有最小延迟", "Marketing messages: two notifications of a topic need a minimum delay between them", RateLimit, true),
    e(ErrorCode, "2018352", "用户执行过多操作", "The user performed too many actions", RateLimit, true),
    e(ErrorCode, "10", "没有与即时游戏相关的页面的权限。", "No permission for the Page linked to the Instant Game.", Auth, false),
    e(ErrorCode, "1404170", "应用程序没有执行此操作的权限", "The app has no permission for this action", Auth, false),
    e(ErrorCode, "1893015", "该用户当前已停止发送该主题的通知消息", "The user has stopped notifications for this topic", Policy, false),
    e(ErrorCode, "2018336", "用户线程影响", "Blocked by the user's thread state", Policy, false),
    e(ErrorCode, "2534022", "此消息在允许的窗口之外发送。", "The message was sent outside the allowed window.", Policy, false),
    e(ErrorCode, "2534077", "无法验证 IG 帐户、登录用户和页面之间的连接。请尝试重新连接或验证用户是否需要双因素身份验证。", "The link between the IG account, the logged-in user and the Page cannot be verified. Reconnect, or check whether the user needs two-factor authentication.", Auth, false),
    e(ErrorCode, "2018278", "此消息在允许的窗口之外发送。在此了解有关新政策的更多信息", "The message was sent outside the allowed window (new policy).", Policy, false),
    e(ErrorCode, "2018065", "此消息在允许的窗口之外发送。您需要新闻消息权限才能执行此操作。", "The message was sent outside the allowed window; it needs the news messaging permission.", Policy, false),
    e(ErrorCode, "2018108", "此人无法接收消息:此人现在没有接收来自您的消息。", "This person cannot receive messages from you now.", Policy, false),
    e(ErrorCode, "100", "检查以确保您使用的 ID 或令牌有效。", "Check that the id or token used is valid.", Validation, false),
    e(ErrorCode, "33", "确保请求中的 ID 存在,并且您的应用具有访问它的适当权限。", "Make sure the id exists and the app may access it.", Validation, false),
    e(ErrorCode, "2018001", "找不到匹配的用户", "No matching user was found", Permanent, false),
    e(ErrorCode, "2018008", "无法从 url 获取文件。检查 URL 是否有效、SSL 证书是否有效、文件大小是否有效,以及服务器的响应速度是否足够快以避免超时。", "The file could not be fetched from the URL. Check the URL, its SSL certificate, the file size and that the server answers fast enough.", Transient, true),
    e(ErrorCode, "2018014", "无法同时发送消息和状态。", "A message and a sender action cannot be sent together.", Validation, false),
    e(ErrorCode, "2018047", "上传附件失败。触发此错误的常见方法是提供的媒体类型与 URL 中提供的文件类型不匹配。", "Uploading the attachment failed, usually because the media type does not match the file at the URL.", Validation, false),
    e(ErrorCode, "2018074", "ID 可能无效或者您不拥有该附件。", "The attachment id is invalid or not yours.", Validation, false),
    e(ErrorCode, "2018109", "附件大小超出允许限制", "The attachment is larger than allowed", Validation, false),
    e(ErrorCode, "2018164", "应用程序 ID 不正确。", "The app id is wrong.", Validation, false),
    e(ErrorCode, "2018294", "视频上传超时或视频已损坏。请注意,如果无法在 75 秒内获取视频,则会超时。", "The video upload timed out or the video is damaged (fetching times out after 75 seconds).", Transient, true),
    e(ErrorCode, "2018320", "产品 ID 无效", "The product id is invalid", Validation, false),
    e(ErrorCode, "2018328", "版本 8 以下不支持产品模板。请使用 API 版本 8 或更高版本来使用产品模板。", "Product templates need API version 8 or later.", Validation, false),
    e(ErrorCode, "2534013", "该页面未链接到 Instagram 帐户", "The Page is not linked to an Instagram account", Permanent, false),
    e(ErrorCode, "2534014", "没有匹配的 Instagram 用户", "No matching Instagram user", Permanent, false),
    e(ErrorCode, "2534015", "消息数据无效", "The message data is invalid", Validation, false),
    e(ErrorCode, "2534025", "该评论对于私人回复无效", "The comment cannot receive a private reply", Validation, false),
    e(ErrorCode, "2534029", "该企业已被禁止通过 IG Messaging API 发送消息", "The business is banned from sending through the IG Messaging API", Policy, false),
    e(ErrorCode, "2534037", "该操作无效,因为它不是线程所有者。", "Not allowed: the app is not the thread owner.", Policy, false),
    e(ErrorCode, "190", "访问令牌错误:OAuth 访问令牌无效。", "Access token error: the OAuth access token is invalid.", Auth, false),
    e(ErrorCode, "200", "权限错误:在审核pages_messaging权限并且应用程序上线之前,无法向非应用程序管理员、开发人员或测试人员的用户发送消息。", "Permission error: until pages_messaging is approved and the app is live, only the app's admins, developers and testers can receive messages.", Auth, false),
    e(ErrorCode, "1545041", "消息未发送:此人现在没空。", "Message not sent: this person is not available right now.", Permanent, false),
    e(ErrorCode, "2018021", "除非接收用户是应用程序的管理员、开发人员或测试人员,否则需要通过此页面支付电话匹配访问费。", "Phone matching needs a fee paid through this Page unless the receiver is an admin, developer or tester of the app.", Policy, false),
    e(ErrorCode, "2018027", "在审核pages_messaging_phone_number 权限并且应用程序上线之前,无法向非应用程序管理员、开发人员或测试人员的用户发送消息。", "Until pages_messaging_phone_number is approved and the app is live, only the app's admins, developers and testers can receive messages.", Auth, false),
    e(ErrorCode, "2018028", "在审核 page_messaging 权限并且应用程序上线之前,无法向非应用程序管理员、开发人员或测试人员的用户发送消息。", "Until pages_messaging is approved and the app is live, only the app's admins, developers and testers can receive messages.", Auth, false),
    e(ErrorCode, "2534041", "帐户所有者已禁止访问Instagram 私信。", "The account owner has disabled access to Instagram direct messages.", Policy, false),
    e(ErrorCode, "551", "用户阻止错误:此人现在没有收到您的消息。", "User block: this person is not receiving your messages now.", Policy, false),
    e(ErrorCode, "1545041", "此人现在没空。此人现在没空。", "This person is not available right now.", Permanent, false),
    e(ErrorCode, "1893016", "超出服务范围:您不得向用户发送多个具有同一主题的选择加入请求。", "Out of scope: a user may not get several opt-in requests for the same topic.", Policy, false),
    e(ErrorCode, "2018338", "警告!您的行为可能被用户认为是令人烦恼或辱骂的。您必须显着降低使用消息标签向此人发送消息的速率。进一步滥用 API 功能可能会导致您的主页受到消息传递限制", "Warning: users may find this behaviour annoying or abusive. Send far fewer tagged messages to this person, or the Page may be restricted.", Policy, false),
    e(ErrorCode, "2534040", "对该 api 的调用已超出速率限制。", "Calls to this API exceeded the rate limit.", RateLimit, true),
    e(ErrorCode, "2022", "发送商业消息的功能已被暂时禁用。这是在违反策略后设置功能限制的结果。", "Sending business messages is temporarily disabled after a policy violation.", Policy, false),
    e(ErrorCode, "10303", "帐户链接错误:account_linking_token 无效。", "Account linking error: the account_linking_token is invalid.", Auth, false),
    e(ErrorCode, "24001", "用户取消支付流程", "The user cancelled the payment flow", Permanent, false),
    e(ErrorCode, "24002", "由于缺少隐私 URL,无法处理付款请求", "The payment request cannot be processed without a privacy URL", Validation, false),
    e(ErrorCode, "24005", "获取用户ID失败", "Getting the user id failed", Transient, true),
    e(ErrorCode, "36103", "在 Instagram 分阶段推出期间加入创作者帐户", "Creator account onboarding during the Instagram phased rollout", Policy, false),
    e(ErrorCode, "2018144", "目前无法向用户发送即时游戏消息,自上次玩游戏以来的 10 天内只能向用户发送 5 条通知。", "No more Instant Game messages for now: 5 notifications within 10 days of the last play.", RateLimit, false),
    e(ErrorCode, "2018154", "Messenger 扩展意外错误", "Unexpected Messenger Extensions error", Transient, true),
    e(ErrorCode, "2018163", "开始共享参数验证错误", "Begin-share parameter validation error", Validation, false),
    e(ErrorCode, "2018166", "调用SDK API权限无效", "No permission to call the SDK API", Auth, false),
    e(ErrorCode, "2018171", "仅适用于主要和次要接收者。", "Only for primary and secondary receivers.", Policy, false),
    e(ErrorCode, "2018218", "该用户没有可用的个人资料。", "The user has no available profile.", Permanent, false),
    e(ErrorCode, "2018234", "拒绝任何辅助接收器对除自身之外的另一个辅助接收器的可见性。", "A secondary receiver cannot see another secondary receiver.", Policy, false),
    e(ErrorCode, "2018247", "没有足够的权限访问用户配置文件。", "Not enough permission to read the user profile.", Auth, false),
    e(ErrorCode, "2018300", "消息发送失败,因为另一个应用程序现在正在控制该线程。", "Not sent: another app controls the thread now.", Policy, false),
    e(ErrorCode, "2018321", "当前,当用户处于自动问答流程时,聊天由 Messenger 控制。请等待流程完成,然后再重试。", "Messenger controls the chat during an automated Q&A flow; retry after it ends.", Transient, true),
    e(ErrorCode, "2071010", "此 Messenger 客户端不支持此 SDK 方法。请升级", "This Messenger client does not support the SDK method; upgrade it", Permanent, false),
    e(ErrorCode, "2071011", "Messenger 扩展未启用 - 可能是 URL 上未设置“messenger_extensions”、域未添加到允许列表中或者这是 Messenger 客户端的过时版本", "Messenger Extensions are not enabled: messenger_extensions unset on the URL, the domain not allow-listed, or an outdated client", Validation, false),
    e(ErrorCode, "2071014", "提供给 SDK API 调用的 MessageContent 无效", "The MessageContent given to the SDK call is invalid", Validation, false),
    e(ErrorCode, "2071015", "消息内容中提供的标题字符串无效", "The title in the message content is invalid", Validation, false),
    e(ErrorCode, "2071016", "消息内容中提供的字幕字符串无效", "The subtitle in the message content is invalid", Validation, false),
    e(ErrorCode, "2071017", "消息内容中提供的图像 URL 无效", "The image URL in the message content is invalid", Validation, false),
    e(ErrorCode, "2071018", "消息内容中提供的项目 URL 无效", "The item URL in the message content is invalid", Validation, false),
    e(ErrorCode, "2071019", "消息内容中提供的按钮数据无效", "The button data in the message content is invalid", Validation, false),
    e(ErrorCode, "2071020", "消息内容中缺少 URL 数据。请提供 item_url、button_url 或两者", "The message content has no URL; give item_url, button_url or both", Validation, false),
    e(ErrorCode, "2071021", "beginShareFlow 调用中提供的共享类型无效", "The share type given to beginShareFlow is invalid", Validation, false),
    e(ErrorCode, "2071022", "开始共享流消息内容中的附件无效", "The attachment in the share-flow message content is invalid", Validation, false),
    e(ErrorCode, "2071023", "消息内容中的附件类型必须设置为模板", "The attachment type in the message content must be template", Validation, false),
    e(ErrorCode, "2071024", "消息内容附件中的负载无效", "The payload of the message content's attachment is invalid", Validation, false),
    e(ErrorCode, "2071025", "消息内容中提供的打开图 URL 无效", "The Open Graph URL in the message content is invalid", Validation, false),
    e(ErrorCode, "9000001", "该消息已被用户或企业删除。", "The message was deleted by the user or the business.", Permanent, false),
    e(ErrorCode, "1893022", "消息涉及实验。", "The message is part of an experiment.", Policy, false),
    e(ErrorCode, "000000", "--", "Sent", Success, false),
    e(ErrorCode, "999997", "返回数据解析异常", "The platform's answer could not be parsed", Transient, true),
    e(ErrorCode, "999998", "Facebook Id 不存在", "The Facebook id does not exist", Permanent, false),
    e(ErrorCode, "999999", "用户未订阅", "The user is not subscribed", Policy, false),
    // LINE error_code错误码
    e(LineErrorCode, "000000", "发送成功", "Sent", Success, false),
    e(LineErrorCode, "999999", "发送失败", "Sending failed", Permanent, false),
    // message_status (both documents)
    e(MessageStatus, "0", "已发送", "Sent", Success, false),
    e(MessageStatus, "1", "已送达", "Delivered", Success, false),
    e(MessageStatus, "2", "已阅读", "Read", Success, false),
    e(MessageStatus, "9", "发送失败", "Sending failed", Permanent, false),
    // message_tag类型 (three rows) and the send table's HUMAN_AGENT
    e(MessageTag, "CONFIRMED_EVENT_UPDATE", "活动更新提醒", "Confirmed event update", Info, false),
    e(MessageTag, "POST_PURCHASE_UPDATE", "商品购买更新提醒", "Post-purchase update", Info, false),
    e(MessageTag, "ACCOUNT_UPDATE", "账号更新提醒", "Account update", Info, false),
    e(MessageTag, "HUMAN_AGENT", "在向客户发送的消息中添加此标签后,人工客服便可回复用户消息", "Human agent reply", Info, false),
];

/// The entry of `code` in `table` (the first, where the table repeats a code).
pub fn lookup_in(table: Table, code: &str) -> Option<&'static Entry> {
    let code = code.trim();
    ENTRIES.iter().find(|e| e.table == table && e.code == code)
}

/// The entry of `code` read as an API error: the `ret_code` table first, then
/// the Messenger send `error_code` table.
pub fn lookup(code: &str) -> Option<&'static Entry> {
    lookup_in(Table::RetCode, code).or_else(|| lookup_in(Table::ErrorCode, code))
}

/// Every entry listing `code`, in any table.
pub fn all(code: &str) -> impl Iterator<Item = &'static Entry> + '_ {
    let code = code.trim();
    ENTRIES.iter().filter(move |e| e.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_ret_code_is_present() {
        let mut codes = vec!["000000", "900001", "900002", "999994", "999999"];
        let biz: Vec<String> = (210001..=210013).map(|n| n.to_string()).collect();
        codes.extend(biz.iter().map(String::as_str));
        for c in codes {
            let e = lookup_in(RetCode, c).unwrap_or_else(|| panic!("{c}"));
            assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
        }
        for c in ["999997", "999998"] {
            assert!(lookup(c).is_some(), "{c}");
        }
    }

    #[test]
    fn lookup_prefers_ret_code_and_tables_disambiguate() {
        assert_eq!(lookup("999999").unwrap().message_zh, "系统未知异常");
        assert_eq!(
            lookup_in(ErrorCode, "999999").unwrap().message_zh,
            "用户未订阅"
        );
        assert_eq!(
            lookup_in(LineErrorCode, "999999").unwrap().message_zh,
            "发送失败"
        );
        assert_eq!(lookup(" 1 ").unwrap().table, ErrorCode);
        assert_eq!(
            lookup_in(MessageStatus, "1").unwrap().message_en,
            "Delivered"
        );
        assert_eq!(all("1545041").count(), 2);
        assert_eq!(all("999999").count(), 3);
        assert!(lookup("123").is_none());
    }

    #[test]
    fn categories_and_retry() {
        let t = lookup("900002").unwrap();
        assert_eq!((t.category, t.retryable), (Auth, true));
        assert_eq!(lookup("4").unwrap().category, RateLimit);
        assert!(!lookup("2534022").unwrap().retryable);
        // Every retryable code is auth, rate limit or transient.
        for e in ENTRIES {
            if e.retryable {
                assert!(
                    matches!(e.category, Auth | RateLimit | Transient),
                    "{}",
                    e.code
                );
            }
            if matches!(e.category, Transient) {
                assert!(e.retryable, "{}", e.code);
            }
        }
    }

    #[test]
    fn table_sizes_match_the_documents() {
        let count = |t| ENTRIES.iter().filter(|e| e.table == t).count();
        assert_eq!(count(RetCode), 18);
        // 82 rows in the Messenger error_code table, 1545041 twice.
        assert_eq!(count(ErrorCode), 82);
        assert_eq!(count(LineErrorCode), 2);
        assert_eq!(count(MessageStatus), 4);
        assert_eq!(count(MessageTag), 4);
        for t in [RetCode, ErrorCode, LineErrorCode, MessageStatus, MessageTag] {
            assert_eq!(Table::from_name(t.as_str()), Some(t));
        }
    }
}
