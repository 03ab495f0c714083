// A request the management API refuses: the caller's mistake (4xx), answered with its message as
// JSON, never a 500.

export class ClientError extends Error {
  override name = 'ClientError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
