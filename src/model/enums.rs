//! The documents' enumerations. Each is declared once with [`wire_enum!`] or
//! [`int_enum!`]: wire names, `Display`, serde both ways, the TypeScript type
//! (emitted into the package's `.d.ts`), and an `Unknown` variant so a value
//! the platform adds later never breaks decoding.

/// Declares a string enumeration: variants with their wire names, plus
/// `Unknown(String)` for values the documents do not list.
///
/// Generated: `KNOWN` (every documented wire name), `TS` (the TypeScript
/// declaration), `as_str`, `from_wire`, `is_known`, `Display`, `From<&str>`,
/// and serde both ways (decoding also accepts a JSON number, e.g. `2` for `"2"`).
///
/// `enum Name (closed)` declares a request-only enumeration: its TypeScript
/// type admits the documented values only, as validation does.
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (closed) {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $crate::wire_enum! {
            @ts concat!(
                "/** `", stringify!($name), "`: the documented values, the only ones a request may carry. */\n",
                "export type ", stringify!($name), " =",
                $( " | \"", $wire, "\"", )+
                ";\n"
            );
            $(#[$meta])* $vis enum $name { $( $(#[$vmeta])* $variant = $wire, )+ }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $crate::wire_enum! {
            @ts concat!(
                "/** Documented values of `", stringify!($name), "`; any other string may arrive from the platform. */\n",
                "export type ", stringify!($name), " = ",
                $( "\"", $wire, "\" | ", )+
                "(string & {});\n"
            );
            $(#[$meta])* $vis enum $name { $( $(#[$vmeta])* $variant = $wire, )+ }
        }
    };
    (
        @ts $ts:expr;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the documents do not list, kept exactly as received.
            Unknown(String),
        }

        impl $name {
            /// Every documented wire value, in the documents' order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The TypeScript declaration.
            pub const TS: &'static str = $ts;

            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// The variant for a wire value; undocumented values give `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether the value is one the documents list.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        #[cfg(target_arch = "wasm32")]
        #[allow(non_upper_case_globals)]
        #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
        const $name: &'static str = <$name>::TS;

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::model::lenient::string(d).map(|s| Self::from_wire(&s))
            }
        }
    };
}

/// Declares an integer enumeration (the documents' `Integer` codes such as
/// `sub_status`), plus `Unknown(i64)` for values the documents do not list.
///
/// Generated like [`wire_enum!`]; decoding also accepts a numeric string.
#[macro_export]
macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the documents do not list, kept exactly as received.
            Unknown(i64),
        }

        impl $name {
            /// Every documented wire value, in the documents' order.
            pub const KNOWN: &'static [i64] = &[$($wire),+];

            /// The TypeScript declaration: the documented values, and any other number.
            pub const TS: &'static str = concat!(
                "/** Documented values of `", stringify!($name), "`; any other number may arrive from the platform. */\n",
                "export type ", stringify!($name), " = ",
                $( stringify!($wire), " | ", )+
                "(number & {});\n"
            );

            /// The value on the wire.
            pub fn as_i64(self) -> i64 {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(n) => n,
                }
            }

            /// The variant for a wire value; undocumented values give `Unknown`.
            pub fn from_wire(n: i64) -> Self {
                match n {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other),
                }
            }

            /// Whether the value is one the documents list.
            pub fn is_known(self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        #[cfg(target_arch = "wasm32")]
        #[allow(non_upper_case_globals)]
        #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
        const $name: &'static str = <$name>::TS;

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.as_i64())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::model::lenient::int(d).map(Self::from_wire)
            }
        }
    };
}

wire_enum! {
    /// Messenger `messaging_type`: why a message is sent (send message table).
    pub enum MessagingType {
        /// A reply to a received message, inside the 24-hour window.
        Response = "RESPONSE",
        /// A proactive message inside the 24-hour window.
        Update = "UPDATE",
        /// A non-promotional message outside the window, with a `tag`.
        MessageTag = "MESSAGE_TAG",
    }
}

wire_enum! {
    /// Messenger message tag (the send table's `tag参数`, plus `HUMAN_AGENT`).
    pub enum MessageTag {
        /// Non-recurring update to the user's application or account.
        AccountUpdate = "ACCOUNT_UPDATE",
        /// Reminder or update of an event the user registered for.
        ConfirmedEventUpdate = "CONFIRMED_EVENT_UPDATE",
        /// Lets a human agent answer the user (listed in the send table only).
        HumanAgent = "HUMAN_AGENT",
        /// Update about a recent purchase.
        PostPurchaseUpdate = "POST_PURCHASE_UPDATE",
    }
}

wire_enum! {
    /// Messenger send `type`: the kind of `payload`.
    pub enum SendType {
        /// `payload` is the text itself.
        Text = "text",
        /// `payload` is `{url}` of an image.
        Image = "image",
        /// `payload` is `{url}` of an audio file.
        Audio = "audio",
        /// `payload` is `{url}` of a video.
        Video = "video",
        /// `payload` is `{url}` of a file.
        File = "file",
        /// `payload` is a template object.
        Template = "template",
    }
}

wire_enum! {
    /// Attachment kind of an async upload (`upload_async` `type`).
    pub enum AttachmentType {
        /// An image.
        Image = "image",
        /// An audio file.
        Audio = "audio",
        /// A video.
        Video = "video",
        /// Any other file.
        File = "file",
    }
}

wire_enum! {
    /// Messenger template kind (`template_type`).
    pub enum TemplateType {
        /// Text with 1–3 buttons.
        Button = "button",
        /// A carousel of 1–10 elements.
        Generic = "generic",
        /// One image or video.
        Media = "media",
    }
}

wire_enum! {
    /// Messenger button `type` (the documents show these two).
    pub enum ButtonType {
        /// Opens `url` in the Messenger webview.
        WebUrl = "web_url",
        /// Sends `payload` back to the webhook.
        Postback = "postback",
    }
}

wire_enum! {
    /// Height of the Messenger webview opened by a `default_action`.
    pub enum WebviewHeightRatio {
        /// 50% of the screen.
        Compact = "compact",
        /// 75% of the screen.
        Tall = "tall",
        /// Full screen.
        Full = "full",
    }
}

wire_enum! {
    /// Media template element `media_type`.
    pub enum MediaType {
        /// An image.
        Image = "image",
        /// A video.
        Video = "video",
    }
}

wire_enum! {
    /// Subscription topic image ratio (`image_ratio参数`).
    pub enum ImageRatio {
        /// 1:1.
        Square = "SQUARE",
        /// 1.91:1.
        Horizontal = "HORIZONTAL",
    }
}

wire_enum! {
    /// Subscription topic button label (`button_type参数`).
    pub enum TopicButtonType {
        /// 允许接收消息 (Allow messages).
        Allow = "ALLOW",
        /// 接收消息 (Get messages).
        Get = "GET",
        /// 接收动态更新 (Get updates).
        GetUpdates = "GET_UPDATES",
        /// 选择接收消息 (Opt in).
        OptIn = "OPT_IN",
        /// 订阅消息 (Sign up).
        SignUp = "SIGN_UP",
    }
}

wire_enum! {
    /// Send record `message_status` (a `String` in the request tables).
    pub enum MessageStatus {
        /// 已发送 (sent).
        Sent = "0",
        /// 已送达 (delivered).
        Delivered = "1",
        /// 已阅读 (read).
        Read = "2",
        /// 发送失败 (failed).
        Failed = "9",
    }
}

wire_enum! {
    /// Graph conversation `platform`.
    pub enum GraphPlatform (closed) {
        /// Instagram messaging conversations.
        Instagram = "instagram",
        /// Messenger conversations of a Facebook Page.
        Messenger = "messenger",
    }
}

int_enum! {
    /// Subscriber `sub_status`.
    pub enum SubStatus {
        /// 已退订 (unsubscribed).
        Unsubscribed = 0,
        /// 已订阅 (subscribed).
        Subscribed = 1,
    }
}

int_enum! {
    /// Task list filter `message_type`.
    pub enum TaskMessageType {
        /// 营销消息 (marketing message).
        Marketing = 1,
        /// 消息标签 (message tag).
        MessageTag = 2,
    }
}

int_enum! {
    /// Task `task_source`.
    pub enum TaskSource {
        /// 营销群发 (marketing mass send).
        MarketingMassSend = 1,
    }
}

int_enum! {
    /// Task `send_time_type`.
    pub enum SendTimeType {
        /// 立即发送 (send now).
        Immediate = 1,
        /// 定时发送 (scheduled).
        Scheduled = 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for w in MessagingType::KNOWN {
            let v = MessagingType::from_wire(w);
            assert!(v.is_known());
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{w}\""));
            assert_eq!(v.to_string(), *w);
        }
        for n in SubStatus::KNOWN {
            assert_eq!(SubStatus::from_wire(*n).as_i64(), *n);
        }
    }

    #[test]
    fn unknown_values_are_kept() {
        let v: MessageTag = serde_json::from_str("\"NEW_TAG\"").unwrap();
        assert_eq!(v, MessageTag::Unknown("NEW_TAG".into()));
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"NEW_TAG\"");
        let s: SubStatus = serde_json::from_str("7").unwrap();
        assert_eq!(s, SubStatus::Unknown(7));
        let s: SubStatus = serde_json::from_str("\"1\"").unwrap();
        assert_eq!(s, SubStatus::Subscribed);
        let m: MessageStatus = serde_json::from_str("2").unwrap();
        assert_eq!(m, MessageStatus::Read);
    }

    #[test]
    fn typescript_lists_every_value() {
        assert_eq!(
            ImageRatio::TS.lines().nth(1).unwrap(),
            "export type ImageRatio = \"SQUARE\" | \"HORIZONTAL\" | (string & {});"
        );
        assert!(SubStatus::TS.contains("= 0 | 1 | (number & {});"));
        assert_eq!(
            GraphPlatform::TS.lines().nth(1).unwrap(),
            "export type GraphPlatform = | \"instagram\" | \"messenger\";"
        );
    }
}
