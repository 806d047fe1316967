// The only module that talks to Go. The bound methods and their types come from Go
// (contract.gen.ts, written by `make bindings`): a Go field renamed or removed fails
// svelte-check here and wherever the UI uses it, instead of drifting silently.
import { BrowserOpenURL, EventsOn } from '../../wailsjs/runtime/runtime';
import type { BoundApp, EventPayloads } from './contract.gen';

declare global {
  interface Window {
    go: { main: { App: BoundApp } };
  }
}

/** Looked up per call: Wails installs window.go after this module loads. */
const go = (): BoundApp => window.go.main.App;

/**
 * Subscribes to one event and returns the function that removes exactly this listener.
 * (EventsOff(name) would remove every listener of that name, including other components'.)
 */
function onEvent<K extends keyof EventPayloads>(name: K, handler: (payload: EventPayloads[K]) => void): () => void {
  const cancel = EventsOn(name, (payload: EventPayloads[K]) => handler(payload));
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    cancel();
  };
}

/** Everything the stores may ask of Go; tests hand the stores a fake of the same shape. */
export const backend = {
  status: () => go().Status(),
  saveKey: (key: string) => go().SaveKey(key),
  /** Tests `key`, or the stored key when `key` is empty. */
  testKey: (key: string) => go().TestKey(key),
  deleteKey: () => go().DeleteKey(),
  /** `region` is a region id, or 'custom' together with `customURL`. */
  setEndpoint: (region: string, customURL: string) => go().SetEndpoint(region, customURL),
  models: () => go().Models(),
  setModel: (model: string) => go().SetModel(model),
  newConversation: () => go().NewConversation(),
  conversation: (id: string) => go().Conversation(id),
  /** Resolves as soon as Go has registered the turn; the reply arrives as chat:* events. */
  send: (conversationId: string, text: string) => go().Send(conversationId, text),
  /** Like send, with images (data: URLs) for vision models; the text may be empty. */
  sendWithImages: (conversationId: string, text: string, images: string[]) =>
    go().SendWithImages(conversationId, text, images),
  stop: (requestId: string) => go().Stop(requestId),
  /** Answers the reply's question again (streams like send); the old reply stays as a version. */
  regenerate: (conversationId: string, replyId: string) => go().Regenerate(conversationId, replyId),
  /** Extends a cut-off reply; the continuation streams into the same message. */
  continueReply: (conversationId: string, replyId: string) => go().ContinueReply(conversationId, replyId),
  /** Sends an edited copy of a user message as a new branch (streams like send). */
  editMessage: (conversationId: string, messageId: string, text: string) =>
    go().EditMessage(conversationId, messageId, text),
  /** Shows that version and its newest continuation; resolves with the conversation as now shown. */
  selectVersion: (conversationId: string, messageId: string) => go().SelectVersion(conversationId, messageId),
  /** Deleting a user message also deletes its replies; resolves with the conversation as now shown. */
  deleteMessage: (conversationId: string, messageId: string) => go().DeleteMessage(conversationId, messageId),
  updateConversationSettings: (conversationId: string, s: Parameters<BoundApp['UpdateConversationSettings']>[1]) =>
    go().UpdateConversationSettings(conversationId, s),
  /** The user's system-prompt presets (a starter set until they edit them). */
  promptPresets: () => go().PromptPresets(),
  setPromptPresets: (presets: Parameters<BoundApp['SetPromptPresets']>[0]) => go().SetPromptPresets(presets),
  /** Pinned first, then newest first. */
  listConversations: () => go().ListConversations(),
  renameConversation: (id: string, title: string) => go().RenameConversation(id, title),
  pinConversation: (id: string, pinned: boolean) => go().PinConversation(id, pinned),
  /** Soft delete: restoreConversation undoes it until the app restarts. */
  deleteConversation: (id: string) => go().DeleteConversation(id),
  restoreConversation: (id: string) => go().RestoreConversation(id),
  search: (query: string) => go().Search(query),
  /** `ids` empty exports everything. Resolves with the saved path, or '' when the user cancelled. */
  exportConversations: (ids: string[], format: 'markdown' | 'json') => go().ExportConversations(ids, format),
  /** Go shows the file dialog; rejects (kind `import`) when the file is not a valid export. */
  importConversations: () => go().ImportConversations(),
  revealDataFolder: () => go().RevealDataFolder(),
  viewState: () => go().ViewState(),
  saveViewState: (conversationId: string, scrollTop: number) => go().SaveViewState(conversationId, scrollTop),
  setTitleOptions: (enabled: boolean, model: string) => go().SetTitleOptions(enabled, model),
  /** Go validates; rejects `invalid_input` with a message. Resolves with the preferences as stored. */
  setPreferences: (p: Parameters<BoundApp['SetPreferences']>[0]) => go().SetPreferences(p),
  /** Token usage per day and model over the last `days` days (1..366), today included. */
  usage: (days: number) => go().Usage(days),
  prices: () => go().Prices(),
  /** Go validates (non-negative numbers, model ids, at most 200 rows); resolves with the table as stored. */
  setPrices: (p: Parameters<BoundApp['SetPrices']>[0]) => go().SetPrices(p),
  /**
   * Go shows the save dialog and writes the file: kind 'svg' or 'html' with text, 'png' with a
   * data:image/png;base64 URL. Resolves with the path, or '' when the user cancelled.
   */
  saveFile: (kind: 'svg' | 'png' | 'html', name: string, content: string) => go().SaveFile(kind, name, content),
  /** One question to 2–3 models (each with its own settings); one turn per model, in order. */
  compare: (conversationId: string, text: string, columns: Parameters<BoundApp['Compare']>[2]) =>
    go().Compare(conversationId, text, columns),
  /** Continues with that reply (its model becomes the conversation's); resolves with the conversation. */
  pickReply: (conversationId: string, replyId: string) => go().PickReply(conversationId, replyId),
  onEvent,
  /** Opens a URL in the system browser, never inside the app. */
  openExternal: (url: string) => BrowserOpenURL(url),
};

/** The backend's shape, which the stores depend on. */
export type Backend = typeof backend;
