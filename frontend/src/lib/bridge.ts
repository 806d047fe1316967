// The only module that talks to Go: typed wrappers over the generated Wails bindings and runtime.
// The generated model classes carry the same JSON fields as ./types; the casts narrow their
// plain `string` fields to the unions the UI relies on.
import * as App from '../../wailsjs/go/main/App';
import { BrowserOpenURL, EventsOn } from '../../wailsjs/runtime/runtime';
import type { EventPayloads } from './events';
import type {
  AppStatus,
  Conversation,
  ConversationSettings,
  ConversationSummary,
  Endpoint,
  ExportFormat,
  ImportResult,
  KeyStatus,
  KeyTest,
  ModelInfo,
  ModelList,
  PromptPreset,
  Preferences,
  Price,
  UsageReport,
  SearchGroup,
  TitleOptions,
  Turn,
  ViewState,
} from './types';

function as<T>(p: Promise<unknown>): Promise<T> {
  return p as Promise<T>;
}

export const status = (): Promise<AppStatus> => as(App.Status());
export const saveKey = (key: string): Promise<KeyStatus> => as(App.SaveKey(key));
/** Tests `key`, or the stored key when `key` is empty. */
export const testKey = (key: string): Promise<KeyTest> => as(App.TestKey(key));
export const deleteKey = (): Promise<KeyStatus> => as(App.DeleteKey());
/** `region` is a region id, or 'custom' together with `customURL`. */
export const setEndpoint = (region: string, customURL: string): Promise<Endpoint> =>
  as(App.SetEndpoint(region, customURL));
export const models = (): Promise<ModelList> => as(App.Models());
export const setModel = (model: string): Promise<string> => as(App.SetModel(model));
export const modelInfo = (): Promise<ModelInfo> => as(App.ModelInfo());
export const newConversation = (): Promise<Conversation> => as(App.NewConversation());
export const conversation = (id: string): Promise<Conversation> => as(App.Conversation(id));
/** Resolves as soon as Go has registered the turn; the reply arrives as chat:* events. */
export const send = (conversationId: string, text: string): Promise<Turn> =>
  as(App.Send(conversationId, text));
export const stop = (requestId: string): Promise<void> => as(App.Stop(requestId));
/** The user's system-prompt presets (a starter set until they edit them). */
export const promptPresets = (): Promise<PromptPreset[]> => as(App.PromptPresets());
export const setPromptPresets = (presets: PromptPreset[]): Promise<PromptPreset[]> => as(App.SetPromptPresets(presets));
/** Like send, with images (data: URLs) for vision models; the text may be empty. */
export const sendWithImages = (conversationId: string, text: string, images: string[]): Promise<Turn> =>
  as(App.SendWithImages(conversationId, text, images));
/** Answers the reply's question again (streams like Send); the old reply stays as a version. */
export const regenerate = (conversationId: string, replyId: string): Promise<Turn> =>
  as(App.Regenerate(conversationId, replyId));
/** Extends a cut-off reply; the continuation streams into the same message. */
export const continueReply = (conversationId: string, replyId: string): Promise<Turn> =>
  as(App.ContinueReply(conversationId, replyId));
/** Sends an edited copy of a user message as a new branch (streams like Send). */
export const editMessage = (conversationId: string, messageId: string, text: string): Promise<Turn> =>
  as(App.EditMessage(conversationId, messageId, text));
/** Shows that version and its newest continuation; resolves with the conversation as now shown. */
export const selectVersion = (conversationId: string, messageId: string): Promise<Conversation> =>
  as(App.SelectVersion(conversationId, messageId));
/** Deleting a user message also deletes its replies; resolves with the conversation as now shown. */
export const deleteMessage = (conversationId: string, messageId: string): Promise<Conversation> =>
  as(App.DeleteMessage(conversationId, messageId));
export const updateConversationSettings = (conversationId: string, s: ConversationSettings): Promise<ConversationSettings> =>
  as(App.UpdateConversationSettings(conversationId, s));

/** Pinned first, then newest first. */
export const listConversations = (): Promise<ConversationSummary[]> => as(App.ListConversations());
export const renameConversation = (id: string, title: string): Promise<void> => as(App.RenameConversation(id, title));
export const pinConversation = (id: string, pinned: boolean): Promise<void> => as(App.PinConversation(id, pinned));
/** Soft delete: RestoreConversation undoes it until the app restarts. */
export const deleteConversation = (id: string): Promise<void> => as(App.DeleteConversation(id));
export const restoreConversation = (id: string): Promise<void> => as(App.RestoreConversation(id));
export const search = (query: string): Promise<SearchGroup[]> => as(App.Search(query));
/** `ids` empty exports everything. Resolves with the saved path, or '' when the user cancelled the dialog. */
export const exportConversations = (ids: string[], format: ExportFormat): Promise<string> =>
  as(App.ExportConversations(ids, format));
/** Go shows the file dialog; rejects (kind `import`) when the file is not a valid export. */
export const importConversations = (): Promise<ImportResult> => as(App.ImportConversations());
export const revealDataFolder = (): Promise<void> => as(App.RevealDataFolder());
export const viewState = (): Promise<ViewState> => as(App.ViewState());
export const saveViewState = (conversationId: string, scrollTop: number): Promise<void> =>
  as(App.SaveViewState(conversationId, scrollTop));
export const setTitleOptions = (enabled: boolean, model: string): Promise<TitleOptions> =>
  as(App.SetTitleOptions(enabled, model));
export const preferences = (): Promise<Preferences> => as(App.Preferences());
/** Go validates; rejects `invalid_input` with a message. Resolves with the preferences as stored. */
export const setPreferences = (p: Preferences): Promise<Preferences> =>
  as(App.SetPreferences(p as Parameters<typeof App.SetPreferences>[0]));
/** Token usage per day and model over the last `days` days (1..366), today included. */
export const usage = (days: number): Promise<UsageReport> => as(App.Usage(days));
export const prices = (): Promise<Price[]> => as(App.Prices());
/** Go validates (non-negative numbers, model ids, at most 200 rows); resolves with the table as stored. */
export const setPrices = (p: Price[]): Promise<Price[]> => as(App.SetPrices(p));

/**
 * Subscribes to one event and returns the function that removes exactly this listener.
 * (EventsOff(name) would remove every listener of that name, including other components'.)
 */
export function onEvent<K extends keyof EventPayloads>(
  name: K,
  handler: (payload: EventPayloads[K]) => void,
): () => void {
  const cancel = EventsOn(name, (payload: EventPayloads[K]) => handler(payload));
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    cancel();
  };
}

/** Opens a URL in the system browser, never inside the app. */
export function openExternal(url: string): void {
  BrowserOpenURL(url);
}

/** The subset of the bridge the stores depend on; tests hand the stores a fake. */
export interface Backend {
  status: typeof status;
  saveKey: typeof saveKey;
  testKey: typeof testKey;
  deleteKey: typeof deleteKey;
  setEndpoint: typeof setEndpoint;
  models: typeof models;
  setModel: typeof setModel;
  newConversation: typeof newConversation;
  conversation: typeof conversation;
  send: typeof send;
  promptPresets: typeof promptPresets;
  setPromptPresets: typeof setPromptPresets;
  sendWithImages: typeof sendWithImages;
  stop: typeof stop;
  regenerate: typeof regenerate;
  continueReply: typeof continueReply;
  editMessage: typeof editMessage;
  selectVersion: typeof selectVersion;
  deleteMessage: typeof deleteMessage;
  updateConversationSettings: typeof updateConversationSettings;
  listConversations: typeof listConversations;
  renameConversation: typeof renameConversation;
  pinConversation: typeof pinConversation;
  deleteConversation: typeof deleteConversation;
  restoreConversation: typeof restoreConversation;
  search: typeof search;
  exportConversations: typeof exportConversations;
  importConversations: typeof importConversations;
  revealDataFolder: typeof revealDataFolder;
  viewState: typeof viewState;
  saveViewState: typeof saveViewState;
  setTitleOptions: typeof setTitleOptions;
  preferences: typeof preferences;
  setPreferences: typeof setPreferences;
  usage: typeof usage;
  prices: typeof prices;
  setPrices: typeof setPrices;
  onEvent: typeof onEvent;
  openExternal: typeof openExternal;
}

export const backend: Backend = {
  status,
  saveKey,
  testKey,
  deleteKey,
  setEndpoint,
  models,
  setModel,
  newConversation,
  conversation,
  send,
  promptPresets,
  setPromptPresets,
  sendWithImages,
  stop,
  regenerate,
  continueReply,
  editMessage,
  selectVersion,
  deleteMessage,
  updateConversationSettings,
  listConversations,
  renameConversation,
  pinConversation,
  deleteConversation,
  restoreConversation,
  search,
  exportConversations,
  importConversations,
  revealDataFolder,
  viewState,
  saveViewState,
  setTitleOptions,
  preferences,
  setPreferences,
  usage,
  prices,
  setPrices,
  onEvent,
  openExternal,
};
