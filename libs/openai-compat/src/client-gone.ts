import type { Response } from 'express';

/** Aborted when the client closes the connection before the response is complete: the upstream call stops with it. */
export function clientGoneSignal(response: Response): AbortSignal {
  const controller = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
