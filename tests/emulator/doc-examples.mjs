// The JSON examples of the three API documents in ../shared/seeds/, verbatim.
// `line.get_media_content.response` is kept as text: the document's example is not valid JSON.

export const RAW = {
  'messenger.get_token.response': `{
"item": {
"token": "4ac37cb2e9c740dba4b75a34d5358802",
"expires_in": "86400"
},
"ret_code": "000000",
"ret_msg": "操作成功"
}`,
  'messenger.send.text': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"text",
"payload":"What do you want to do next?"
}`,
  'messenger.send.image': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"image",
"payload": {
"url":"https://sg.sobot.com/console/common/face/admin.png"
}
}`,
  'messenger.send.message_tag': `{
"messaging_type":"MESSAGE_TAG",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"text",
"tag": "ACCOUNT_UPDATE",
"payload":"What do you want to do next?"
}`,
  'messenger.send.button': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"template",
"payload": {
"template_type":"button",
"text":"What do you want to do next?",
"buttons":[
{
"type":"web_url",
"url":"https://www.messenger.com",
"title":"Visit Messenger"
}]
}
}`,
  'messenger.send.generic': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"template",
"payload": {
"template_type":"generic",
"elements":[
{
"title":"Welcome!",
"image_url":"https://petersfancybrownhats.com/company_image.png",
"subtitle":"We have the right hat for everyone.",
"default_action": {
"type": "web_url",
"url": "https://petersfancybrownhats.com/view?item=103",
"messenger_extensions": false,
"webview_height_ratio": "tall",
"fallback_url": "https://petersfancybrownhats.com/"
},
"buttons":[
{
"type":"web_url",
"url":"https://petersfancybrownhats.com",
"title":"View Website"
},{
"type":"postback",
"title":"Start Chatting",
"payload":"DEVELOPER_DEFINED_PAYLOAD"
}
]
}
]
}
}`,
  'messenger.send.media_attachment': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"template",
"payload": {
"template_type":"media",
"elements":[
{
"media_type":"image|video",
"attachment_id":"ATTACHMENT_ID"
}]
}
}`,
  'messenger.send.media_url': `{
"messaging_type":"RESPONSE",
"recipientid":"RECIPIENTID",
"pageid":"PAGEID",
"type":"template",
"payload": {
"template_type":"media",
"elements":[
{
"media_type":"image|video",
"url": "FACEBOOK_URL"
}]
}
}`,
  'messenger.upload_async.request': `{
"pageid":"PAGEID",
"type":"image",
"payload":{
"url":"URL"
}
}`,
  'messenger.upload_async.response': `{
"item": "d13415bb2b704e58aa373bb5e0e11914",
"ret_code": "000000",
"ret_msg": "成功"
}`,
  'messenger.upload_async.webhook': `{
"track_id": "d13415bb2b704e58aa373bb5e0e11914",
"attachment_id": "1234567890"
}`,
  'messenger.query_sub_users.response': `{
"items": [
{
"companyid": "5f5262b52feb463bbf4e732323sdgfset",
"create_time": 1715079942588,
"facebookid": "5611755588",
"pageid": "1087397686",
"sub_status": 1,
"sub_title": "nice day",
"sub_token": "6956578469XXXXXX",
"timezone": "UTC",
"title_describe": "132",
"update_time": 1715155761777
}
],
"page_count": 1,
"page_no": 1,
"page_size": 15,
"ret_code": "000000",
"ret_msg": "成功",
"total_count": 1
}`,
  'messenger.webhook.text': `{
"object": "page",
"entry": [{
"time": 1714120447751,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "524807506000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120446870,
"message": {
"mid": "m_hAxxtkOsBG8UEtO0RQNcwPgfxWKYaLWowT0Z7iLv",
"text": "11"
}
}]
}]
}`,
  'messenger.webhook.video': `{
"object": "page",
"entry": [{
"time": 1714120224310,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "5248075068000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120223681,
"message": {
"mid": "m_6RK4gK9eklpa6uPCNFvNEvgfxWKYaLWowT0Z7iLv8BXpnCPA8KDnJOQOD26NINRuF",
"attachments": [{
"type": "video",
"payload": {
"url": "URL"
}
}]
}
}]
}]
}`,
  'messenger.webhook.image': `{
"object": "page",
"entry": [{
"time": 1714120138060,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "524807506000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120137558,
"message": {
"mid": "m_378ZrH7cpKmUUlmqOi5jQPgfxWKYaLWowT0Z7iLv8BWDeU",
"attachments": [{
"type": "image",
"payload": {
"url": "URL"
}
}]
}
}]
}]
}`,
  'messenger.webhook.file': `{
"object": "page",
"entry": [{
"time": 1714120108440,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "5248075068000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120107805,
"message": {
"mid": "m_0xp5Sj8GPFoLroU33qbcjPgfxWKYaLWowT0Z7iLv8BWnRj",
"attachments": [{
"type": "file",
"payload": {
"url": "URL"
}
}]
}
}]
}]
}`,
  'messenger.webhook.delivery': `{
"object": "page",
"entry": [{
"time": 1714120251647,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "5248075068000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120251542,
"delivery": {
"mids": ["m_UdMtmDiovEo-vSR_awTk2_gfxWKYaLWowT0Z7iLv8BVMtn2OGld3BIc2naK-pB2hE"],
"watermark": 1714120250796
}
}]
}]
}`,
  'messenger.webhook.read': `{
"object": "page",
"entry": [{
"time": 1714120249177,
"id": "110661988000000",
"messaging": [{
"sender": {
"id": "5248075068000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120248829,
"read": {
"watermark": 1714120247551
}
}]
}]
}`,
  'messenger.webhook.optin': `{
"object": "page",
"entry": [{
"id": "110661988000000",
"time": 1714119984959,
"messaging": [{
"sender": {
"id": "524807506000000"
},
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714119984091,
"optin": {
"type": "notification_messages",
"payload": "描述",
"notification_messages_token": "863341894114000000",
"token_expiry_timestamp": 2145916800000,
"user_token_status": "NOT_REFRESHED",
"notification_messages_timezone": "UTC",
"title": "订阅主题"
}
}]
}]
}`,
  'messenger.webhook.optin_stop': `{
"object": "page",
"entry": [{
"id": "110661988000000",
"time": 1714120013874,
"messaging": [{
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120013874,
"sender": {
"id": "524807506000000"
},
"optin": {
"type": "notification_messages",
"payload": "描述",
"notification_messages_token": "86334189411000000",
"token_expiry_timestamp": 2145916800000,
"user_token_status": "NOT_REFRESHED",
"notification_messages_status": "STOP_NOTIFICATIONS",
"title": "订阅主题"
}
}]
}]
}`,
  'messenger.webhook.optin_resume': `{
"object": "page",
"entry": [{
"id": "110661988000000",
"time": 1714120082018,
"messaging": [{
"recipient": {
"id": "110661988000000"
},
"timestamp": 1714120082018,
"sender": {
"id": "524807506000000"
},
"optin": {
"type": "notification_messages",
"payload": "描述",
"notification_messages_token": "863341894114000000",
"token_expiry_timestamp": 2145916800000,
"user_token_status": "NOT_REFRESHED",
"notification_messages_status": "RESUME_NOTIFICATIONS",
"title": "订阅主题"
}
}]
}]
}`,
  'messenger.create_or_update_title.response': `{
"item": "4ac37cb2e9c740dba4b75a34d5358802",
"ret_code": "000000",
"ret_msg": "成功"
}`,
  'messenger.del_title.response': `{
"ret_code": "000000",
"ret_msg": "成功"
}`,
  'messenger.get_title_list.response': `{
"item": [
{
"companyid": "c72d7e67c0f64d38879747c9cfd68e85",
"create_time": 1713871710134,
"timezone": "UTC",
"button_type": "ALLOW",
"image_url": "https://xxx.xx.com/xxx/image.png",
"title": "测试",
"app_name": "爱你一万年",
"update_time": 1713871710134,
"configid": "10d7de1db4884c43b4b88e3fcbbf47d2",
"image_ratio": "SQUARE",
"describe": "这是一条测试消息",
"appid": "106474898833640"
}
],
"page_count": 1,
"page_no": 1,
"page_size": 15,
"ret_code": "000000",
"ret_msg": "成功",
"total_count": 1
}`,
  'messenger.send_opt_in_message.response': `{
"item": {
"message_id": "m_PWpxCEkBhmD6guuH7FnlVtlnpgH1w6kCmPWZypSP-IHxHmHwJf02vcR2t3tE2HGTtzEm27GCqXLyIhG4WazTDw",
"recipient_id": "123456789"
},
"ret_code": "000000",
"ret_msg": "成功"
}`,
  'messenger.query_task_list.response': `{
"items": [
{
"task_name": "123",
"estimate_send_num": 3,
"task_source": 1,
"timezone": "GMT+08:00",
"reply_data_num": 0,
"task_start_time": "2024-07-18 20:02:58",
"send_error_num": 2,
"task_end_time": "2024-07-18 20:03:10",
"send_success_num": 1,
"already_send_num": 1,
"send_time_type": 1,
"taskid": "91f9dba1879c4a5ebc778c03665a7a47",
"already_read_num": 0
},
{
"task_name": "excel88_copy热二次 ",
"estimate_send_num": 1,
"task_source": 1,
"timezone": "GMT+08:00",
"reply_data_num": 0,
"task_start_time": "2024-07-18 19:54:03",
"send_error_num": 11,
"task_end_time": "2024-07-18 19:54:10",
"send_success_num": 0,
"already_send_num": 0,
"send_time_type": 1,
"taskid": "5004117ee78c4328b6d5f29faaa17413",
"already_read_num": 0
}
],
"page_count": 12,
"page_no": 1,
"page_size": 2,
"ret_code": "000000",
"ret_msg": "操作成功",
"total_count": 24
}`,
  'messenger.send_record_list.response': `{
"items": [
{
"task_name": "嗯文件啊啊啊",
"send_time": 1715839580345,
"message_topic_or_tag": "ACCOUNT_UPDATE",
"sender": "111756121635281",
"timezone": "GMT+08:00",
"messageid": "m_uR4fzPWk4y22dnJy95ts0FG1RsvrHC5RZ_wqwyIGTcMIwEx-Smscjvw5V3CqquPDLFgXk87RBNXsVEioobBf_g",
"error_code": "000000",
"send_agentid": "8532a283d2df41cc9a212bace7bf1d0b",
"taskid": "0fd27d6f98524995bfa03a5487a23ba7",
"recipient_id": "5194793377264405",
"status_update_time": 1716187640915
}
],
"page_count": 1,
"page_no": 1,
"page_size": 15,
"ret_code": "000000",
"ret_msg": "操作成功",
"total_count": 1
}`,
  'line.get_token.response': `{
  "item": {
    "token": "4ac37cb2e9c740dba4b75a34d5358802",
    "expires_in": "86400"
  },
  "ret_code": "000000",
  "ret_msg": "操作成功"
}`,
  'line.webhook.text': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "id": "444573844083572737",
        "type": "text",
        "quoteToken": "q3Plxr4AgKd...",
        "text": "@All @example Good Morning!! (love)",
        "emojis": [
          {
            "index": 29,
            "length": 6,
            "productId": "5ac1bfd5040ab15980c9b435",
            "emojiId": "001"
          }
        ]
      }
    }
  ]
}`,
  'line.webhook.image': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "type": "message",
      "message": {
        "type": "image",
        "id": "354718705033693859",
        "quoteToken": "q3Plxr4AgKd...",
        "contentProvider": {
          "type": "line"
        },
        "imageSet": {
          "id": "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855",
          "index": 1,
          "total": 2
        }
      },
      "timestamp": 1627356924513,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "replyToken": "7840b71058e24a5d91f9b5726c7512c9",
      "mode": "active"
    }
  ]
}`,
  'line.webhook.video': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "id": "325708",
        "type": "video",
        "quoteToken": "q3Plxr4AgKd...",
        "duration": 60000,
        "contentProvider": {
          "type": "external",
          "originalContentUrl": "https://example.com/original.mp4",
          "previewImageUrl": "https://example.com/preview.jpg"
        }
      }
    }
  ]
}`,
  'line.webhook.audio': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "id": "325708",
        "type": "audio",
        "duration": 60000,
        "contentProvider": {
          "type": "line"
        }
      }
    }
  ]
}`,
  'line.webhook.file': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "id": "325708",
        "type": "file",
        "fileName": "file.txt",
        "fileSize": 2138
      }
    }
  ]
}`,
  'line.webhook.location': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "id": "325708",
        "type": "location",
        "title": "my location",
        "address": "1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282 Japan",
        "latitude": 35.67966,
        "longitude": 139.73669
      }
    }
  ]
}`,
  'line.webhook.sticker': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
      "type": "message",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      },
      "message": {
        "type": "sticker",
        "id": "1501597916",
        "quoteToken": "q3Plxr4AgKd...",
        "stickerId": "52002738",
        "packageId": "11537",
        "stickerResourceType": "ANIMATION",
        "keywords": [
          "cony",
          "sally",
          "Staring",
          "hi",
          "whatsup",
          "line",
          "howdy",
          "HEY",
          "Peeking",
          "wave",
          "peek",
          "Hello",
          "yo",
          "greetings"
        ]
      }
    }
  ]
}`,
  'line.webhook.follow': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "replyToken": "85cbe770fa8b4f45bbe077b1d4be4a36",
      "type": "follow",
      "mode": "active",
      "timestamp": 1705891467176,
      "source": {
        "type": "user",
        "userId": "U3d3edab4f36c6292e6d8a8131f141b8b"
      },
      "webhookEventId": "01HMQGW40RZJPJM3RAJP7BHC2Q",
      "deliveryContext": {
        "isRedelivery": false
      },
      "follow": {
        "isUnblocked": false
      }
    }
  ]
}`,
  'line.webhook.unfollow': `{
  "destination": "xxxxxxxxxx",
  "events": [
    {
      "type": "unfollow",
      "mode": "active",
      "timestamp": 1462629479859,
      "source": {
        "type": "user",
        "userId": "U4af4980629..."
      },
      "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
      "deliveryContext": {
        "isRedelivery": false
      }
    }
  ]
}`,
  'line.get_media_content.response': `{
  "item": {
    "https://sg.sobot.com/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/20240626/0d63b822ba724e858a128f3f27a4f405/017a4945aa5a4832bf1809acc1878cb2.png"
  },
  "ret_code": "000000",
  "ret_msg": "操作成功"
}`,
  'line.query_task_list.response': `{
  "items": [
    {
      "task_name": "走查",
      "send_error_num": 2,
      "estimate_send_num": 2,
      "task_source": 1,
      "timezone": "GMT+08:00",
      "task_end_time": "2024-07-10 20:11:15",
      "send_success_num": 0,
      "send_time_type": 1,
      "taskid": "aa8eb4e79d8b46efaf4320622faf8e8d",
      "task_start_time": "2024-07-10 20:10:12",
      "subjectid": "12345678"
    },
    {
      "task_name": "群发123123",
      "send_error_num": 6,
      "estimate_send_num": 7,
      "task_source": 1,
      "timezone": "GMT+08:00",
      "task_end_time": "2024-07-03 13:55:15",
      "send_success_num": 1,
      "send_time_type": 1,
      "taskid": "4ce03cb9585a4c7a941688dda8a695db",
      "task_start_time": "2024-07-03 13:54:59",
      "subjectid": "12345678"
    }
  ],
  "page_count": 5,
  "page_no": 1,
  "page_size": 2,
  "ret_code": "000000",
  "ret_msg": "操作成功",
  "total_count": 9
}`,
  'line.send_record_list.response': `{
  "items": [
    {
      "task_name": "test",
      "send_time": 1720614015369,
      "sender": "2005652357",
      "timezone": "GMT+08:00",
      "messageid": "",
      "error_code": "999999",
      "send_agentid": "67bb2e6ec79b4a43a2e235d6c7256fb0",
      "taskid": "cdd8d20360b54aae9f73bc71296bbdcb",
      "recipient_id": "131231",
      "status_update_time": 1720614015369,
      "subjectid": "12345678"
    },
    {
      "task_name": "群发123123",
      "send_time": 1719986115534,
      "sender": "2005652357",
      "timezone": "GMT+08:00",
      "messageid": "515320261680824337,515320261478973734",
      "error_code": "000000",
      "send_agentid": "3bdc079ab21d4db1847e36ae752e1048",
      "taskid": "4ce03cb9585a4c7a941688dda8a695db",
      "recipient_id": "Uf0246987876aea9a6b1e6cd7e3cd81c9",
      "status_update_time": 1719986115534,
      "subjectid": "12345678"
    }
  ],
  "page_count": 2,
  "page_no": 1,
  "page_size": 12,
  "ret_code": "000000",
  "ret_msg": "操作成功",
  "total_count": 19
}`,
  'graph.message.response': `{
  "id": "aWdGGiblWZ...",
  "created_time": "2022-07-12T19:11:07+0000",
  "to": {
    "data": [
      {
        "username": "INSTAGRAM-PROFESSIONAL-ACCOUNT-USERNAME",
        "id": "INSTAGRAM-PROFESSIONAL-ACCOUNT-ID"
      }
    ]
  },
  "from": {
    "username": "INSTAGRAM-USERNAME",
    "id": "INSTAGRAM-SCOPED-ID"
  },
  "message": "Hi Kitty!"
}`,
};

/** Parsed examples (all but the one that is not JSON). */
export const EXAMPLES = Object.fromEntries(Object.entries(RAW).filter(([k]) => k !== 'line.get_media_content.response').map(([k, v]) => [k, JSON.parse(v)]));
