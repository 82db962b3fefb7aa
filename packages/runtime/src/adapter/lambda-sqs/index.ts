export {
  createSqsHandler,
  type LambdaContextLike,
  type SqsConsumerOptions,
  type SqsHandler,
} from './handler';
