// The only module that talks to Go: typed wrappers over the generated Wails bindings and runtime.
// The generated model classes carry the same JSON fields as ./types; the casts narrow their
// plain `string` fields to the unions the UI relies on.
import * as App from '../../wailsjs/go/main/App';
import { BrowserOpenURL, EventsOn } from '../../wailsjs/runtime/runtime';
import type { EventPayloads } from './events';
import type {
  AppStatus,
  Conversation,
  ConversationSummary,
  Endpoint,
  ExportFormat,
  ImportResult,
  KeyStatus,
  KeyTest,
  ModelInfo,
  ModelList,
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
  stop: typeof stop;
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
  stop,
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
  onEvent,
  openExternal,
};
