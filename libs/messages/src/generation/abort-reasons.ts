/** The user stopped the answer: it ends `stopped`, not failed. */
export class StopRequested extends Error {
  constructor() {
    super('Stopped');
  }
}

/** The server is shutting down: the answer ends `interrupted`, as one a crash cut would. */
export class ServerStopping extends Error {}

/** Its row is no longer `streaming` (deleted with its chat, or ended by another instance): nothing more to generate. */
export class AnswerWithdrawn extends Error {}
