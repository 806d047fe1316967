// The only module that talks to Go. The bound methods and their types come from Go
// (contract.gen.ts, written by `make bindings`): a Go field renamed or removed fails
// svelte-check here and wherever the UI uses it, instead of drifting silently.
import { BrowserOpenURL, EventsOn } from '../../wailsjs/runtime/runtime';
import type { BoundApp, DocumentRef, EventPayloads, ServerInput, ToolDecision } from './contract.gen';

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
  /** How far the start is; every other call but the key ones answers `starting` until it is ready. */
  startup: () => go().Startup(),
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
  conversationLatest: (id: string, limit: number) => go().ConversationLatest(id, limit),
  /** Resolves as soon as Go has registered the turn; the reply arrives as chat:* events. */
  send: (conversationId: string, text: string) => go().Send(conversationId, text),
  /** Like send, with images (data: URLs) for vision models; the text may be empty. */
  sendWithImages: (conversationId: string, text: string, images: string[]) =>
    go().SendWithImages(conversationId, text, images),
  stop: (requestId: string) => go().Stop(requestId),
  /** Go opens the system file picker and reads the chosen files; each result is a chip, an image or an error. */
  attachFiles: () => go().AttachFiles(),
  /** A file dropped or pasted into the window, as base64 (Go checks its size before decoding). */
  attachData: (name: string, base64: string) => go().AttachData(name, base64),
  /** The text the model reads from an attachment (shortened for display when very long). */
  previewDocument: (hash: string, name: string) => go().PreviewDocument(hash, name),
  /** The model's context window and what the conversation already uses of it ('' = a new chat). */
  budget: (conversationId: string, model: string) => go().Budget(conversationId, model),
  /** Uploads an attachment to DashScope's file API for qwen-long; resolves with its chip in "file" mode. */
  uploadDocument: (hash: string, name: string) => go().UploadDocument(hash, name),
  /** A scan's first pages (at most maxPages) drawn as PNG data: URLs, for the image path. */
  documentPagesAsImages: (hash: string, maxPages: number) => go().DocumentPagesAsImages(hash, maxPages),
  /** Like sendWithImages, with documents (their text goes in the message, or a fileid:// reference). */
  sendWithAttachments: (conversationId: string, text: string, images: string[], documents: DocumentRef[]) =>
    go().SendWithAttachments(conversationId, text, images, documents),
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
  /**
   * One page of the sidebar, pinned first, then newest first: up to `limit` rows (1..5000)
   * after `cursor` ('' for the first page); the answer's `next` is the following page's cursor,
   * '' at the end.
   */
  listConversations: (cursor: string, limit: number) => go().ListConversations(cursor, limit),
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
  // Tools (MCP servers). Go validates every argument; errors carry mcp_* kinds.
  toolsOverview: () => go().ToolsOverview(),
  /** The exact command a server would run, for the confirmation step before saving. */
  previewToolServer: (s: ServerInput) => go().PreviewToolServer(s),
  previewPastedToolServers: (text: string, name: string) => go().PreviewPastedToolServers(text, name),
  addToolServer: (s: ServerInput) => go().AddToolServer(s),
  addPastedToolServers: (text: string, name: string) => go().AddPastedToolServers(text, name),
  editToolServer: (name: string, s: ServerInput) => go().EditToolServer(name, s),
  removeToolServer: (name: string) => go().RemoveToolServer(name),
  /** A server as the edit form shows it; keychain-held header values come back empty. */
  toolServerInput: (name: string) => go().ToolServerInput(name),
  setToolServerEnabled: (name: string, enabled: boolean) => go().SetToolServerEnabled(name, enabled),
  setToolEnabled: (server: string, tool: string, enabled: boolean) => go().SetToolEnabled(server, tool, enabled),
  setToolAutoApprove: (server: string, tool: string, on: boolean) => go().SetToolAutoApprove(server, tool, on),
  restartToolServer: (name: string) => go().RestartToolServer(name),
  reloadToolsConfig: () => go().ReloadToolsConfig(),
  /** Moves a broken mcp.json aside (kept) and starts empty; resolves with the backup's path. */
  replaceBrokenToolsConfig: () => go().ReplaceBrokenToolsConfig(),
  answerToolApproval: (requestId: string, callId: string, decision: ToolDecision) =>
    go().AnswerToolApproval(requestId, callId, decision),
  pendingToolApprovals: () => go().PendingToolApprovals(),
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
