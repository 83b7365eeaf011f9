/** Why a document could not be read, in words fit for the user (the document ends `failed`). */
export class ExtractionError extends Error {}
