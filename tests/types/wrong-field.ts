// Each `@ts-expect-error` below must be an error, or `tsc` fails: the types
// flag a wrong field name or a value outside a closed shape.
import { validateSendMessage, validateTopic, type SendMessageRequest, type TopicRequest } from 'sobot-channels';

const misspelt: SendMessageRequest = {
  // @ts-expect-error `recipient_id` is not a field of the send request (the table says `recipientid`).
  recipient_id: 'RECIPIENTID',
  pageid: 'PAGEID',
  type: 'text',
  payload: 'hello',
};

// @ts-expect-error a text message's payload is a string, not an object.
const textWithObject: SendMessageRequest = { recipientid: 'R', pageid: 'P', type: 'text', payload: { url: 'https://x.test' } };

validateSendMessage({
  recipientid: 'R',
  pageid: 'P',
  type: 'template',
  payload: {
    template_type: 'button',
    text: 'Pick one',
    // @ts-expect-error a postback button needs `payload`, and `url` belongs to web_url buttons.
    buttons: [{ type: 'postback', title: 'Go', url: 'https://x.test' }],
  },
});

const topic: TopicRequest = {
  appid: '1',
  title: 't',
  describe: 'd',
  image_ratio: 'SQUARE',
  button_type: 'ALLOW',
  // @ts-expect-error the topic field is `describe`, not `description`.
  description: 'd',
};
validateTopic(topic);

export { misspelt, textWithObject };
