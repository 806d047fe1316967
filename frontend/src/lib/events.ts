// Event names and payloads come from Go (contract.gen.ts); this module groups them for the
// stores.
import { EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY, EV_TOOL, type DeltaEvent, type EventPayloads } from './contract.gen';

export {
  EV_CONVERSATIONS_CHANGED,
  EV_DELTA,
  EV_DONE,
  EV_ERROR,
  EV_RETRY,
  EV_TOOL,
  EV_TOOL_APPROVAL,
  EV_TOOLS_STATUS,
} from './contract.gen';
export type {
  ConversationsChangedEvent,
  DeltaEvent,
  DoneEvent,
  ErrorEvent,
  EventPayloads,
  RetryEvent,
  ToolApprovalEvent,
  ToolEvent,
} from './contract.gen';

/** The events of one chat turn. */
export const CHAT_EVENTS = [EV_DELTA, EV_DONE, EV_ERROR, EV_RETRY, EV_TOOL] as const;

/** Fields every chat event carries; `seq` grows by one per event within a request. */
export type ChatEventBase = Pick<DeltaEvent, 'requestId' | 'conversationId' | 'messageId' | 'seq'>;

export type ChatEventName = (typeof CHAT_EVENTS)[number];
export type EventName = keyof EventPayloads;
