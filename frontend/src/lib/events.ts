// Event names and payloads mirrored from the Go side's single events file.
import type { Usage } from './types';

export const EV_DELTA = 'chat:delta';
export const EV_DONE = 'chat:done';
export const EV_ERROR = 'chat:error';
export const EV_RETRY = 'chat:retry';

export const CHAT_EVENTS = [EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY] as const;

/** Fields every chat event carries; `seq` grows by one per event within a request. */
export interface ChatEventBase {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
}

export interface DeltaEvent extends ChatEventBase {
  content: string;
  reasoning: string;
}

export interface DoneEvent extends ChatEventBase {
  status: 'complete' | 'stopped';
  finishReason: string;
  usage?: Usage;
}

export interface ErrorEvent extends ChatEventBase {
  status: 'error' | 'truncated';
  kind: string;
  message: string;
  requestIdFromServer: string;
}

export interface RetryEvent extends ChatEventBase {
  attempt: number;
  delayMs: number;
  kind: string;
}

/** The stored conversations changed (the sidebar refreshes its list). */
export const EV_CONVERSATIONS_CHANGED = 'conversations:changed';

export interface ConversationsChangedEvent {
  conversationId: string;
  reason: 'created' | 'updated' | 'title' | 'deleted' | 'restored' | 'imported';
}

export interface EventPayloads {
  [EV_DELTA]: DeltaEvent;
  [EV_DONE]: DoneEvent;
  [EV_ERROR]: ErrorEvent;
  [EV_RETRY]: RetryEvent;
  [EV_CONVERSATIONS_CHANGED]: ConversationsChangedEvent;
}

export type ChatEventName = (typeof CHAT_EVENTS)[number];
export type EventName = keyof EventPayloads;
