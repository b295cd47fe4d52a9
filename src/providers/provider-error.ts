/** A provider (SMS, email, push) refused or could not be reached; `retryable` for 5xx/network. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProviderError";
  }
}
