export {
  createWebhookHttpSender,
  type WebhookHttpRequest,
  type WebhookHttpResult,
  type WebhookHttpSender,
  type WebhookHttpSenderOptions,
} from './http-sender';
