/** A face-authentication request pushed to the user's device. */
export interface PushMessage {
  device_token: string;
  platform: string;
  auth_token: string;
  request_id: string;
}

/** Sends pushes. Implementations: console, webhook (signed JSON POST), memory (tests). */
export interface PushSender {
  readonly name: string;
  send(message: PushMessage): Promise<void>;
}
