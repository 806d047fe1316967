// Event names and payloads come from Go (contract.gen.ts); this module groups them for the
// stores.
import { EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY, type DeltaEvent, type EventPayloads } from './contract.gen';

export {
  EV_CONVERSATIONS_CHANGED,
  EV_DELTA,
  EV_DONE,
  EV_ERROR,
  EV_RETRY,
} from './contract.gen';
export type {
  ConversationsChangedEvent,
  DeltaEvent,
  DoneEvent,
  ErrorEvent,
  EventPayloads,
  RetryEvent,
} from './contract.gen';

/** The events of one chat turn. */
export const CHAT_EVENTS = [EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY] as const;

/** Fields every chat event carries; `seq` grows by one per event within a request. */
export type ChatEventBase = Pick<DeltaEvent, 'requestId' | 'conversationId' | 'messageId' | 'seq'>;

export type ChatEventName = (typeof CHAT_EVENTS)[number];
export type EventName = keyof EventPayloads;
