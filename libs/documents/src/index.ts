export * from './detect-type';
export * from './document-status';
export * from './documents-processing.module';
export * from './extract-document';
export * from './extraction.errors';
export * from './ocr-pool';
export * from './safe-filename';
