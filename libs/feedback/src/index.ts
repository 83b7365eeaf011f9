export * from './feedback.module';
export * from './feedback-reasons';
export * from './dto/feedback.dto';
