// Compiles under `strict`: the package's types describe the documents' JSON.
import {
  validateSendMessage,
  validateTopic,
  validateUploadAsync,
  validateLineSendRecordList,
  validateGraphConversations,
  describeError,
  type SendMessageRequest,
  type TopicRequest,
  type Topic,
  type Violation,
  type MessagingType,
  type ErrorCatalogueEntry,
  type TopicsPage,
  type MessengerSendRecordsPage,
  type MediaContentResponse,
  type ConversationsPage,
  type MessageDetail,
  type GraphErrorResponse,
  type SubscribedUsersPage,
  type Envelope,
  type TokenItem,
} from 'sobot-channels';

const text: SendMessageRequest = {
  messaging_type: 'RESPONSE',
  recipientid: 'RECIPIENTID',
  pageid: 'PAGEID',
  type: 'text',
  payload: 'What do you want to do next?',
};

const generic: SendMessageRequest = {
  messaging_type: 'MESSAGE_TAG',
  tag: 'ACCOUNT_UPDATE',
  recipient_token: 'TOKEN',
  pageid: 'PAGEID',
  type: 'template',
  payload: {
    template_type: 'generic',
    elements: [
      {
        title: 'Welcome!',
        subtitle: 'We have the right hat for everyone.',
        default_action: { type: 'web_url', url: 'https://example.com', webview_height_ratio: 'tall' },
        buttons: [
          { type: 'web_url', url: 'https://example.com', title: 'View Website' },
          { type: 'postback', title: 'Start Chatting', payload: 'DEVELOPER_DEFINED_PAYLOAD' },
        ],
      },
    ],
  },
};

const media: SendMessageRequest = {
  recipientid: 'R',
  pageid: 'P',
  type: 'template',
  payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: '1' }] },
};

const image: SendMessageRequest = { recipientid: 'R', pageid: 'P', type: 'image', payload: { url: 'https://x.test/a.png' } };

const violations: Violation[] = [text, generic, media, image].flatMap((r) => validateSendMessage(r));
const paths: string[] = violations.map((v) => `${v.path} ${v.rule} ${v.code ?? ''}`);

const topic: TopicRequest = {
  appid: '106474898833640',
  title: '测试',
  describe: '这是一条测试消息',
  image_ratio: 'SQUARE',
  button_type: 'ALLOW',
  configid: 'c1',
};
const existing: Topic = { configid: 'c1', appid: '106474898833640', title: '测试' };
validateTopic(topic, existing);
validateTopic(topic);
validateUploadAsync({ pageid: 'P', type: 'video', payload: { url: 'https://x.test/v.mp4' } });
validateLineSendRecordList({ page_no: 1, page_size: 15, message_status: '2', subjectid: '1' });
validateGraphConversations({ pageId: '1', platform: 'instagram', userId: '2' });

const mt: MessagingType = 'UPDATE';
const entry: ErrorCatalogueEntry | undefined = describeError('900002') ?? describeError(1, 'message_status');
const retry: boolean = entry?.retryable ?? false;
const category: string | undefined = entry?.category;

declare const topics: TopicsPage;
declare const records: MessengerSendRecordsPage;
declare const media2: MediaContentResponse;
declare const conversations: ConversationsPage;
declare const detail: MessageDetail;
declare const graphError: GraphErrorResponse;
declare const subs: SubscribedUsersPage;
declare const token: Envelope<TokenItem>;
const summary: Array<string | number | undefined> = [
  topics.items[0]?.configid,
  records.total_count,
  records.items[0]?.error_code,
  media2.item?.url,
  conversations.paging?.cursors?.after,
  conversations.data[0]?.updated_time,
  detail.from?.username,
  detail.to?.data[0]?.id,
  graphError.error.fbtrace_id,
  graphError.error.code,
  subs.items[0]?.sub_status,
  token.item?.expires_in,
];

export { paths, mt, retry, category, summary };
