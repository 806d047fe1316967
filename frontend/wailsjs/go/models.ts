export namespace buildinfo {
	
	export class Info {
	    product: string;
	    version: string;
	    commit: string;
	    commitTime: string;
	    modified: boolean;
	    goVersion: string;
	    wails: string;
	    platform: string;
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new Info(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.product = source["product"];
	        this.version = source["version"];
	        this.commit = source["commit"];
	        this.commitTime = source["commitTime"];
	        this.modified = source["modified"];
	        this.goVersion = source["goVersion"];
	        this.wails = source["wails"];
	        this.platform = source["platform"];
	        this.summary = source["summary"];
	    }
	}

}

export namespace chat {
	
	export class Versions {
	    index: number;
	    count: number;
	    ids: string[];
	
	    static createFrom(source: any = {}) {
	        return new Versions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.count = source["count"];
	        this.ids = source["ids"];
	    }
	}
	export class TurnError {
	    kind: string;
	    message: string;
	    requestIdFromServer: string;
	
	    static createFrom(source: any = {}) {
	        return new TurnError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.message = source["message"];
	        this.requestIdFromServer = source["requestIdFromServer"];
	    }
	}
	export class Message {
	    id: string;
	    role: string;
	    content: string;
	    reasoning: string;
	    status: string;
	    finishReason: string;
	    usage?: qwen.Usage;
	    error?: TurnError;
	    versions?: Versions;
	    images?: string[];
	    toolCalls?: store.ToolCall[];
	    documents?: store.Attachment[];
	    model: string;
	    createdAt: string;
	
	    static createFrom(source: any = {}) {
	        return new Message(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.role = source["role"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.status = source["status"];
	        this.finishReason = source["finishReason"];
	        this.usage = this.convertValues(source["usage"], qwen.Usage);
	        this.error = this.convertValues(source["error"], TurnError);
	        this.versions = this.convertValues(source["versions"], Versions);
	        this.images = source["images"];
	        this.toolCalls = this.convertValues(source["toolCalls"], store.ToolCall);
	        this.documents = this.convertValues(source["documents"], store.Attachment);
	        this.model = source["model"];
	        this.createdAt = source["createdAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ConversationSettings {
	    model: string;
	    systemPrompt: string;
	    temperature?: number;
	    topP?: number;
	    maxTokens?: number;
	    enableThinking?: boolean;
	    thinkingBudget?: number;
	    enableSearch?: boolean;
	    toolsOff?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConversationSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.model = source["model"];
	        this.systemPrompt = source["systemPrompt"];
	        this.temperature = source["temperature"];
	        this.topP = source["topP"];
	        this.maxTokens = source["maxTokens"];
	        this.enableThinking = source["enableThinking"];
	        this.thinkingBudget = source["thinkingBudget"];
	        this.enableSearch = source["enableSearch"];
	        this.toolsOff = source["toolsOff"];
	    }
	}
	export class Conversation {
	    id: string;
	    title: string;
	    model: string;
	    pinned: boolean;
	    settings: ConversationSettings;
	    messages: Message[];
	    earlier?: number;
	
	    static createFrom(source: any = {}) {
	        return new Conversation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.model = source["model"];
	        this.pinned = source["pinned"];
	        this.settings = this.convertValues(source["settings"], ConversationSettings);
	        this.messages = this.convertValues(source["messages"], Message);
	        this.earlier = source["earlier"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ConversationSummary {
	    id: string;
	    title: string;
	    model: string;
	    pinned: boolean;
	    titleAuto: boolean;
	    createdAt: string;
	    updatedAt: string;
	    messageCount: number;
	
	    static createFrom(source: any = {}) {
	        return new ConversationSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.model = source["model"];
	        this.pinned = source["pinned"];
	        this.titleAuto = source["titleAuto"];
	        this.createdAt = source["createdAt"];
	        this.updatedAt = source["updatedAt"];
	        this.messageCount = source["messageCount"];
	    }
	}
	export class ConversationPage {
	    conversations: ConversationSummary[];
	    next: string;
	
	    static createFrom(source: any = {}) {
	        return new ConversationPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversations = this.convertValues(source["conversations"], ConversationSummary);
	        this.next = source["next"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	export class TitleOptions {
	    enabled: boolean;
	    model: string;
	
	    static createFrom(source: any = {}) {
	        return new TitleOptions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.model = source["model"];
	    }
	}
	export class Turn {
	    requestId: string;
	    conversationId: string;
	    userMessageId: string;
	    assistantMessageId: string;
	
	    static createFrom(source: any = {}) {
	        return new Turn(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.conversationId = source["conversationId"];
	        this.userMessageId = source["userMessageId"];
	        this.assistantMessageId = source["assistantMessageId"];
	    }
	}
	

}

export namespace main {
	
	export class Endpoint {
	    region: string;
	    baseURL: string;
	    overriddenByEnv: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Endpoint(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.region = source["region"];
	        this.baseURL = source["baseURL"];
	        this.overriddenByEnv = source["overriddenByEnv"];
	    }
	}
	export class AppStatus {
	    key: secrets.Status;
	    endpoint: Endpoint;
	    regions: qwen.Region[];
	    model: string;
	    dataDir: string;
	    build: buildinfo.Info;
	    problems: string[];
	    titles: chat.TitleOptions;
	    preferences: settings.Preferences;
	    prices: pricing.Price[];
	
	    static createFrom(source: any = {}) {
	        return new AppStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = this.convertValues(source["key"], secrets.Status);
	        this.endpoint = this.convertValues(source["endpoint"], Endpoint);
	        this.regions = this.convertValues(source["regions"], qwen.Region);
	        this.model = source["model"];
	        this.dataDir = source["dataDir"];
	        this.build = this.convertValues(source["build"], buildinfo.Info);
	        this.problems = source["problems"];
	        this.titles = this.convertValues(source["titles"], chat.TitleOptions);
	        this.preferences = this.convertValues(source["preferences"], settings.Preferences);
	        this.prices = this.convertValues(source["prices"], pricing.Price);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UserFacingError {
	    kind: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new UserFacingError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.message = source["message"];
	    }
	}
	export class AttachResult {
	    name: string;
	    document?: store.Attachment;
	    image?: string;
	    error?: UserFacingError;
	
	    static createFrom(source: any = {}) {
	        return new AttachResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.document = this.convertValues(source["document"], store.Attachment);
	        this.image = source["image"];
	        this.error = this.convertValues(source["error"], UserFacingError);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ContextBudget {
	    window: qwen.ContextWindow;
	    usedTokens: number;
	    uploadModel: string;
	
	    static createFrom(source: any = {}) {
	        return new ContextBudget(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.window = this.convertValues(source["window"], qwen.ContextWindow);
	        this.usedTokens = source["usedTokens"];
	        this.uploadModel = source["uploadModel"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DocumentPreview {
	    text: string;
	    chars: number;
	    shortened: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DocumentPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.chars = source["chars"];
	        this.shortened = source["shortened"];
	    }
	}
	export class DocumentRef {
	    hash: string;
	    name: string;
	    mode: string;
	    maxTokens?: number;
	    fileId?: string;
	
	    static createFrom(source: any = {}) {
	        return new DocumentRef(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hash = source["hash"];
	        this.name = source["name"];
	        this.mode = source["mode"];
	        this.maxTokens = source["maxTokens"];
	        this.fileId = source["fileId"];
	    }
	}
	
	export class ImportResult {
	    conversations: number;
	    messages: number;
	    renamed: number;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversations = source["conversations"];
	        this.messages = source["messages"];
	        this.renamed = source["renamed"];
	        this.cancelled = source["cancelled"];
	    }
	}
	export class KeyTest {
	    ok: boolean;
	    kind: string;
	    message: string;
	    requestId: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.kind = source["kind"];
	        this.message = source["message"];
	        this.requestId = source["requestId"];
	    }
	}
	export class ModelList {
	    models: string[];
	    live: boolean;
	    problem: string;
	
	    static createFrom(source: any = {}) {
	        return new ModelList(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.models = source["models"];
	        this.live = source["live"];
	        this.problem = source["problem"];
	    }
	}
	export class PageImages {
	    images: string[];
	    totalPages: number;
	
	    static createFrom(source: any = {}) {
	        return new PageImages(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.images = source["images"];
	        this.totalPages = source["totalPages"];
	    }
	}
	export class StartupState {
	    ready: boolean;
	    failed: string;
	    version: string;
	    progress: store.Progress;
	
	    static createFrom(source: any = {}) {
	        return new StartupState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ready = source["ready"];
	        this.failed = source["failed"];
	        this.version = source["version"];
	        this.progress = this.convertValues(source["progress"], store.Progress);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ToolsOverview {
	    config: tools.ConfigState;
	    servers: tools.ServerStatus[];
	
	    static createFrom(source: any = {}) {
	        return new ToolsOverview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.config = this.convertValues(source["config"], tools.ConfigState);
	        this.servers = this.convertValues(source["servers"], tools.ServerStatus);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UsageRow {
	    day: string;
	    model: string;
	    replies: number;
	    promptTokens: number;
	    completionTokens: number;
	    cachedTokens: number;
	    reasoningTokens: number;
	    cost?: number;
	
	    static createFrom(source: any = {}) {
	        return new UsageRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.day = source["day"];
	        this.model = source["model"];
	        this.replies = source["replies"];
	        this.promptTokens = source["promptTokens"];
	        this.completionTokens = source["completionTokens"];
	        this.cachedTokens = source["cachedTokens"];
	        this.reasoningTokens = source["reasoningTokens"];
	        this.cost = source["cost"];
	    }
	}
	export class UsageReport {
	    from: string;
	    to: string;
	    currency: string;
	    rows: UsageRow[];
	
	    static createFrom(source: any = {}) {
	        return new UsageReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.currency = source["currency"];
	        this.rows = this.convertValues(source["rows"], UsageRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace pricing {
	
	export class Price {
	    model: string;
	    input: number;
	    output: number;
	    cachedInput: number;
	
	    static createFrom(source: any = {}) {
	        return new Price(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.model = source["model"];
	        this.input = source["input"];
	        this.output = source["output"];
	        this.cachedInput = source["cachedInput"];
	    }
	}

}

export namespace qwen {
	
	export class CompletionTokensDetails {
	    reasoning_tokens: number;
	
	    static createFrom(source: any = {}) {
	        return new CompletionTokensDetails(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.reasoning_tokens = source["reasoning_tokens"];
	    }
	}
	export class ContextWindow {
	    model: string;
	    tokens: number;
	    family: string;
	    known: boolean;
	    replyReserve: number;
	
	    static createFrom(source: any = {}) {
	        return new ContextWindow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.model = source["model"];
	        this.tokens = source["tokens"];
	        this.family = source["family"];
	        this.known = source["known"];
	        this.replyReserve = source["replyReserve"];
	    }
	}
	export class PromptTokensDetails {
	    cached_tokens: number;
	
	    static createFrom(source: any = {}) {
	        return new PromptTokensDetails(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.cached_tokens = source["cached_tokens"];
	    }
	}
	export class Region {
	    id: string;
	    name: string;
	    baseURL: string;
	
	    static createFrom(source: any = {}) {
	        return new Region(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.baseURL = source["baseURL"];
	    }
	}
	export class Usage {
	    prompt_tokens: number;
	    completion_tokens: number;
	    total_tokens: number;
	    prompt_tokens_details?: PromptTokensDetails;
	    completion_tokens_details?: CompletionTokensDetails;
	
	    static createFrom(source: any = {}) {
	        return new Usage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt_tokens = source["prompt_tokens"];
	        this.completion_tokens = source["completion_tokens"];
	        this.total_tokens = source["total_tokens"];
	        this.prompt_tokens_details = this.convertValues(source["prompt_tokens_details"], PromptTokensDetails);
	        this.completion_tokens_details = this.convertValues(source["completion_tokens_details"], CompletionTokensDetails);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace secrets {
	
	export class RejectedKey {
	    source: string;
	    name: string;
	    path: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new RejectedKey(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.source = source["source"];
	        this.name = source["name"];
	        this.path = source["path"];
	        this.reason = source["reason"];
	    }
	}
	export class Status {
	    hasKey: boolean;
	    source: string;
	    last4: string;
	    keychainAvailable: boolean;
	    keychainProblem: string;
	    dotEnvPath: string;
	    envKeyPresent: boolean;
	    rejected: RejectedKey[];
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hasKey = source["hasKey"];
	        this.source = source["source"];
	        this.last4 = source["last4"];
	        this.keychainAvailable = source["keychainAvailable"];
	        this.keychainProblem = source["keychainProblem"];
	        this.dotEnvPath = source["dotEnvPath"];
	        this.envKeyPresent = source["envKeyPresent"];
	        this.rejected = this.convertValues(source["rejected"], RejectedKey);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace settings {
	
	export class Preferences {
	    theme: string;
	    language: string;
	    fontSize: number;
	    sendKey: string;
	    proxyMode: string;
	    proxyURL: string;
	
	    static createFrom(source: any = {}) {
	        return new Preferences(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.theme = source["theme"];
	        this.language = source["language"];
	        this.fontSize = source["fontSize"];
	        this.sendKey = source["sendKey"];
	        this.proxyMode = source["proxyMode"];
	        this.proxyURL = source["proxyURL"];
	    }
	}
	export class PromptPreset {
	    name: string;
	    prompt: string;
	
	    static createFrom(source: any = {}) {
	        return new PromptPreset(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.prompt = source["prompt"];
	    }
	}
	export class View {
	    conversationId: string;
	    scrollTop: number;
	
	    static createFrom(source: any = {}) {
	        return new View(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.scrollTop = source["scrollTop"];
	    }
	}

}

export namespace store {
	
	export class Attachment {
	    hash: string;
	    name: string;
	    mode: string;
	    maxTokens?: number;
	    fileId?: string;
	    type: string;
	    encoding?: string;
	    pages?: number;
	    sheets?: number;
	    chars: number;
	    tokens: number;
	    noTextLayer?: boolean;
	    truncated?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Attachment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hash = source["hash"];
	        this.name = source["name"];
	        this.mode = source["mode"];
	        this.maxTokens = source["maxTokens"];
	        this.fileId = source["fileId"];
	        this.type = source["type"];
	        this.encoding = source["encoding"];
	        this.pages = source["pages"];
	        this.sheets = source["sheets"];
	        this.chars = source["chars"];
	        this.tokens = source["tokens"];
	        this.noTextLayer = source["noTextLayer"];
	        this.truncated = source["truncated"];
	    }
	}
	export class Progress {
	    phase: string;
	    fromVersion: number;
	    toVersion: number;
	    version: number;
	    step: string;
	    done: number;
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new Progress(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.phase = source["phase"];
	        this.fromVersion = source["fromVersion"];
	        this.toVersion = source["toVersion"];
	        this.version = source["version"];
	        this.step = source["step"];
	        this.done = source["done"];
	        this.total = source["total"];
	    }
	}
	export class SearchHit {
	    conversationId: string;
	    messageId: string;
	    inToolResult: boolean;
	    toolCallId?: string;
	    inDocument?: boolean;
	    documentName?: string;
	    documentPart?: string;
	    role: string;
	    snippet: SearchPart[];
	    createdAt: string;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.messageId = source["messageId"];
	        this.inToolResult = source["inToolResult"];
	        this.toolCallId = source["toolCallId"];
	        this.inDocument = source["inDocument"];
	        this.documentName = source["documentName"];
	        this.documentPart = source["documentPart"];
	        this.role = source["role"];
	        this.snippet = this.convertValues(source["snippet"], SearchPart);
	        this.createdAt = source["createdAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SearchPart {
	    text: string;
	    match: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SearchPart(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.match = source["match"];
	    }
	}
	export class SearchGroup {
	    conversationId: string;
	    title: string;
	    updatedAt: string;
	    titleMatch: SearchPart[];
	    hits: SearchHit[];
	
	    static createFrom(source: any = {}) {
	        return new SearchGroup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.conversationId = source["conversationId"];
	        this.title = source["title"];
	        this.updatedAt = source["updatedAt"];
	        this.titleMatch = this.convertValues(source["titleMatch"], SearchPart);
	        this.hits = this.convertValues(source["hits"], SearchHit);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class ToolCall {
	    messageId: string;
	    callId: string;
	    step: number;
	    index: number;
	    textOffset: number;
	    apiName: string;
	    server: string;
	    tool: string;
	    arguments: string;
	    state: string;
	    outcome: string;
	    result: string;
	    truncated: boolean;
	    durationMs: number;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new ToolCall(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.messageId = source["messageId"];
	        this.callId = source["callId"];
	        this.step = source["step"];
	        this.index = source["index"];
	        this.textOffset = source["textOffset"];
	        this.apiName = source["apiName"];
	        this.server = source["server"];
	        this.tool = source["tool"];
	        this.arguments = source["arguments"];
	        this.state = source["state"];
	        this.outcome = source["outcome"];
	        this.result = source["result"];
	        this.truncated = source["truncated"];
	        this.durationMs = source["durationMs"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace tools {
	
	export class ApprovalRequest {
	    requestId: string;
	    conversationId: string;
	    messageId: string;
	    callId: string;
	    apiName: string;
	    server: string;
	    tool: string;
	    title?: string;
	    description: string;
	    arguments: string;
	    readOnly: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ApprovalRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requestId = source["requestId"];
	        this.conversationId = source["conversationId"];
	        this.messageId = source["messageId"];
	        this.callId = source["callId"];
	        this.apiName = source["apiName"];
	        this.server = source["server"];
	        this.tool = source["tool"];
	        this.title = source["title"];
	        this.description = source["description"];
	        this.arguments = source["arguments"];
	        this.readOnly = source["readOnly"];
	    }
	}
	export class CommandPreview {
	    name: string;
	    path: string;
	    args: string[];
	    cwd: string;
	    line: string;
	    envSet: string[];
	    removed: string[];
	    url?: string;
	
	    static createFrom(source: any = {}) {
	        return new CommandPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.path = source["path"];
	        this.args = source["args"];
	        this.cwd = source["cwd"];
	        this.line = source["line"];
	        this.envSet = source["envSet"];
	        this.removed = source["removed"];
	        this.url = source["url"];
	    }
	}
	export class Error {
	    kind: string;
	    message: string;
	    line?: number;
	    column?: number;
	
	    static createFrom(source: any = {}) {
	        return new Error(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.message = source["message"];
	        this.line = source["line"];
	        this.column = source["column"];
	    }
	}
	export class ConfigState {
	    path: string;
	    problem?: Error;
	
	    static createFrom(source: any = {}) {
	        return new ConfigState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.problem = this.convertValues(source["problem"], Error);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class HeaderInput {
	    name: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new HeaderInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	    }
	}
	export class ServerInput {
	    name: string;
	    command?: string;
	    args?: string[];
	    env?: Record<string, string>;
	    cwd?: string;
	    url?: string;
	    sse?: boolean;
	    headers?: HeaderInput[];
	    timeout?: number;
	
	    static createFrom(source: any = {}) {
	        return new ServerInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.command = source["command"];
	        this.args = source["args"];
	        this.env = source["env"];
	        this.cwd = source["cwd"];
	        this.url = source["url"];
	        this.sse = source["sse"];
	        this.headers = this.convertValues(source["headers"], HeaderInput);
	        this.timeout = source["timeout"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ToolInfo {
	    apiName: string;
	    name: string;
	    title?: string;
	    description: string;
	    enabled: boolean;
	    autoApproved: boolean;
	    readOnly: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ToolInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.apiName = source["apiName"];
	        this.name = source["name"];
	        this.title = source["title"];
	        this.description = source["description"];
	        this.enabled = source["enabled"];
	        this.autoApproved = source["autoApproved"];
	        this.readOnly = source["readOnly"];
	    }
	}
	export class ServerStatus {
	    name: string;
	    transport: string;
	    state: string;
	    reason?: string;
	    stderr?: string;
	    stdout?: string;
	    command?: string;
	    tools: ToolInfo[];
	    timeout?: number;
	
	    static createFrom(source: any = {}) {
	        return new ServerStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.transport = source["transport"];
	        this.state = source["state"];
	        this.reason = source["reason"];
	        this.stderr = source["stderr"];
	        this.stdout = source["stdout"];
	        this.command = source["command"];
	        this.tools = this.convertValues(source["tools"], ToolInfo);
	        this.timeout = source["timeout"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

