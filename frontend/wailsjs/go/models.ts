export namespace engine {
	
	export class Approval {
	    message: string;
	    value?: any;
	    decided: boolean;
	    approved: boolean;
	    edited?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Approval(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.message = source["message"];
	        this.value = source["value"];
	        this.decided = source["decided"];
	        this.approved = source["approved"];
	        this.edited = source["edited"];
	    }
	}
	export class AssetRef {
	    asset: string;
	    mime: string;
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new AssetRef(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.asset = source["asset"];
	        this.mime = source["mime"];
	        this.name = source["name"];
	    }
	}
	export class Edge {
	    id?: string;
	    source: string;
	    sourceHandle: string;
	    target: string;
	    targetHandle: string;
	
	    static createFrom(source: any = {}) {
	        return new Edge(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.source = source["source"];
	        this.sourceHandle = source["sourceHandle"];
	        this.target = source["target"];
	        this.targetHandle = source["targetHandle"];
	    }
	}
	export class EdgeSpan {
	    from: number;
	    to: number;
	    edges: Edge[];
	
	    static createFrom(source: any = {}) {
	        return new EdgeSpan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.edges = this.convertValues(source["edges"], Edge);
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
	export class Generation {
	    id: string;
	    workflow_id: string;
	    node_id: string;
	    run_id: string;
	    version_id: string;
	    version_label: string;
	    run_label: string;
	    status: string;
	    outputs: Record<string, any>;
	    error: string;
	    duration_ms: number;
	    cost?: Record<string, any>;
	    config_hash: string;
	    input_fingerprint: string;
	    // Go type: time
	    created_at: any;
	    selected: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Generation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.workflow_id = source["workflow_id"];
	        this.node_id = source["node_id"];
	        this.run_id = source["run_id"];
	        this.version_id = source["version_id"];
	        this.version_label = source["version_label"];
	        this.run_label = source["run_label"];
	        this.status = source["status"];
	        this.outputs = source["outputs"];
	        this.error = source["error"];
	        this.duration_ms = source["duration_ms"];
	        this.cost = source["cost"];
	        this.config_hash = source["config_hash"];
	        this.input_fingerprint = source["input_fingerprint"];
	        this.created_at = this.convertValues(source["created_at"], null);
	        this.selected = source["selected"];
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
	export class Position {
	    x: number;
	    y: number;
	
	    static createFrom(source: any = {}) {
	        return new Position(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.x = source["x"];
	        this.y = source["y"];
	    }
	}
	export class Node {
	    id: string;
	    type: string;
	    label?: string;
	    params?: Record<string, any>;
	    position?: Position;
	    parentId?: string;
	
	    static createFrom(source: any = {}) {
	        return new Node(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.type = source["type"];
	        this.label = source["label"];
	        this.params = source["params"];
	        this.position = this.convertValues(source["position"], Position);
	        this.parentId = source["parentId"];
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
	export class InputDecl {
	    name: string;
	    type: string;
	    description: string;
	    required: boolean;
	    default?: any;
	
	    static createFrom(source: any = {}) {
	        return new InputDecl(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.type = source["type"];
	        this.description = source["description"];
	        this.required = source["required"];
	        this.default = source["default"];
	    }
	}
	export class Graph {
	    inputs: InputDecl[];
	    nodes: Node[];
	    edges: Edge[];
	
	    static createFrom(source: any = {}) {
	        return new Graph(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.inputs = this.convertValues(source["inputs"], InputDecl);
	        this.nodes = this.convertValues(source["nodes"], Node);
	        this.edges = this.convertValues(source["edges"], Edge);
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
	export class GraphDiff {
	    nodes_added: string[];
	    nodes_removed: string[];
	    nodes_changed: Record<string, any>;
	    edges_added: string[];
	    edges_removed: string[];
	
	    static createFrom(source: any = {}) {
	        return new GraphDiff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.nodes_added = source["nodes_added"];
	        this.nodes_removed = source["nodes_removed"];
	        this.nodes_changed = source["nodes_changed"];
	        this.edges_added = source["edges_added"];
	        this.edges_removed = source["edges_removed"];
	    }
	}
	export class GraphPatch {
	    base_version_id: string;
	    inputs: InputDecl[];
	    added: Node[];
	    changed: Node[];
	    removed: string[];
	    order: string[];
	    edges: EdgeSpan[];
	
	    static createFrom(source: any = {}) {
	        return new GraphPatch(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.base_version_id = source["base_version_id"];
	        this.inputs = this.convertValues(source["inputs"], InputDecl);
	        this.added = this.convertValues(source["added"], Node);
	        this.changed = this.convertValues(source["changed"], Node);
	        this.removed = source["removed"];
	        this.order = source["order"];
	        this.edges = this.convertValues(source["edges"], EdgeSpan);
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
	export class Handle {
	    name: string;
	    type: string;
	    required?: boolean;
	    description?: string;
	
	    static createFrom(source: any = {}) {
	        return new Handle(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.type = source["type"];
	        this.required = source["required"];
	        this.description = source["description"];
	    }
	}
	export class ImportResult {
	    workflow_id: string;
	    version_id: string;
	    version_label: string;
	    created: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.version_id = source["version_id"];
	        this.version_label = source["version_label"];
	        this.created = source["created"];
	    }
	}
	
	export class MadeSubflow {
	    workflow_id: string;
	    version_id: string;
	    version_label: string;
	    node_id: string;
	    graph: Graph;
	
	    static createFrom(source: any = {}) {
	        return new MadeSubflow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.version_id = source["version_id"];
	        this.version_label = source["version_label"];
	        this.node_id = source["node_id"];
	        this.graph = this.convertValues(source["graph"], Graph);
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
	
	export class NodeSide {
	    status: string;
	    reasons: string[];
	    generation_id: string;
	    duration_ms: number;
	
	    static createFrom(source: any = {}) {
	        return new NodeSide(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.reasons = source["reasons"];
	        this.generation_id = source["generation_id"];
	        this.duration_ms = source["duration_ms"];
	    }
	}
	export class NodeDiff {
	    a?: NodeSide;
	    b?: NodeSide;
	    same_output: boolean;
	
	    static createFrom(source: any = {}) {
	        return new NodeDiff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.a = this.convertValues(source["a"], NodeSide);
	        this.b = this.convertValues(source["b"], NodeSide);
	        this.same_output = source["same_output"];
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
	export class NodeRecord {
	    status: string;
	    reasons: string[];
	    generation_id: string;
	    duration_ms: number;
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new NodeRecord(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.reasons = source["reasons"];
	        this.generation_id = source["generation_id"];
	        this.duration_ms = source["duration_ms"];
	        this.error = source["error"];
	    }
	}
	
	export class ParamSpec {
	    name: string;
	    kind: string;
	    label?: string;
	    description?: string;
	    default?: any;
	    options?: string[];
	    required?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ParamSpec(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.label = source["label"];
	        this.description = source["description"];
	        this.default = source["default"];
	        this.options = source["options"];
	        this.required = source["required"];
	    }
	}
	export class NodeType {
	    type: string;
	    version: number;
	    group: string;
	    title: string;
	    description: string;
	    inputs: Handle[];
	    outputs: Handle[];
	    params: ParamSpec[];
	    deterministic: boolean;
	    dynamic_outputs?: boolean;
	    container?: boolean;
	    run_output?: boolean;
	    pauses?: boolean;
	    subflow?: boolean;
	    local_names?: string[];
	
	    static createFrom(source: any = {}) {
	        return new NodeType(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.version = source["version"];
	        this.group = source["group"];
	        this.title = source["title"];
	        this.description = source["description"];
	        this.inputs = this.convertValues(source["inputs"], Handle);
	        this.outputs = this.convertValues(source["outputs"], Handle);
	        this.params = this.convertValues(source["params"], ParamSpec);
	        this.deterministic = source["deterministic"];
	        this.dynamic_outputs = source["dynamic_outputs"];
	        this.container = source["container"];
	        this.run_output = source["run_output"];
	        this.pauses = source["pauses"];
	        this.subflow = source["subflow"];
	        this.local_names = source["local_names"];
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
	export class Pair {
	    a: any;
	    b: any;
	
	    static createFrom(source: any = {}) {
	        return new Pair(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.a = source["a"];
	        this.b = source["b"];
	    }
	}
	
	export class PlanNode {
	    action: string;
	    reasons: string[];
	    source_generation_id: string;
	    may_be_cached?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PlanNode(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.reasons = source["reasons"];
	        this.source_generation_id = source["source_generation_id"];
	        this.may_be_cached = source["may_be_cached"];
	    }
	}
	export class Plan {
	    workflow_id: string;
	    version_id: string;
	    from: string;
	    changed?: boolean;
	    nodes: Record<string, PlanNode>;
	    rerun: number;
	    reuse: number;
	    workflow_name?: string;
	    version_label?: string;
	    children?: Record<string, Plan>;
	
	    static createFrom(source: any = {}) {
	        return new Plan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.version_id = source["version_id"];
	        this.from = source["from"];
	        this.changed = source["changed"];
	        this.nodes = this.convertValues(source["nodes"], PlanNode, true);
	        this.rerun = source["rerun"];
	        this.reuse = source["reuse"];
	        this.workflow_name = source["workflow_name"];
	        this.version_label = source["version_label"];
	        this.children = this.convertValues(source["children"], Plan, true);
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
	
	
	export class Problem {
	    node_id?: string;
	    handle?: string;
	    input?: string;
	    param?: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Problem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.node_id = source["node_id"];
	        this.handle = source["handle"];
	        this.input = source["input"];
	        this.param = source["param"];
	        this.message = source["message"];
	    }
	}
	export class Provider {
	    name: string;
	    kind: string;
	    urls: string[];
	    concurrency: number;
	    api_key_env?: string;
	
	    static createFrom(source: any = {}) {
	        return new Provider(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.urls = source["urls"];
	        this.concurrency = source["concurrency"];
	        this.api_key_env = source["api_key_env"];
	    }
	}
	export class URLTest {
	    url: string;
	    ok: boolean;
	    models: string[];
	    error?: string;
	    duration_ms: number;
	
	    static createFrom(source: any = {}) {
	        return new URLTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.ok = source["ok"];
	        this.models = source["models"];
	        this.error = source["error"];
	        this.duration_ms = source["duration_ms"];
	    }
	}
	export class ProviderTest {
	    name: string;
	    kind: string;
	    ok: boolean;
	    urls: URLTest[];
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ProviderTest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.ok = source["ok"];
	        this.urls = this.convertValues(source["urls"], URLTest);
	        this.error = source["error"];
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
	export class RestoreResult {
	    workflow_id: string;
	    version_id: string;
	    selected: Record<string, string>;
	    missing: string[];
	
	    static createFrom(source: any = {}) {
	        return new RestoreResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.version_id = source["version_id"];
	        this.selected = source["selected"];
	        this.missing = source["missing"];
	    }
	}
	export class SidePair {
	    a: any;
	    b: any;
	    same: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SidePair(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.a = source["a"];
	        this.b = source["b"];
	        this.same = source["same"];
	    }
	}
	export class RunDiff {
	    a: string;
	    b: string;
	    workflows?: SidePair;
	    version: SidePair;
	    inputs: Record<string, Pair>;
	    graph: GraphDiff;
	    nodes: Record<string, NodeDiff>;
	    outputs: Record<string, SidePair>;
	
	    static createFrom(source: any = {}) {
	        return new RunDiff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.a = source["a"];
	        this.b = source["b"];
	        this.workflows = this.convertValues(source["workflows"], SidePair);
	        this.version = this.convertValues(source["version"], SidePair);
	        this.inputs = this.convertValues(source["inputs"], Pair, true);
	        this.graph = this.convertValues(source["graph"], GraphDiff);
	        this.nodes = this.convertValues(source["nodes"], NodeDiff, true);
	        this.outputs = this.convertValues(source["outputs"], SidePair, true);
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
	export class Setting {
	    key: string;
	    value: string;
	    default: string;
	    set: boolean;
	    description: string;
	
	    static createFrom(source: any = {}) {
	        return new Setting(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.value = source["value"];
	        this.default = source["default"];
	        this.set = source["set"];
	        this.description = source["description"];
	    }
	}
	
	export class SubflowSpec {
	    workflow_id: string;
	    workflow_name: string;
	    version_id: string;
	    version_label: string;
	    content_hash: string;
	    latest_version_id: string;
	    latest_version_label: string;
	    update_available: boolean;
	    deterministic: boolean;
	    inputs: Handle[];
	    outputs: Handle[];
	
	    static createFrom(source: any = {}) {
	        return new SubflowSpec(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.workflow_name = source["workflow_name"];
	        this.version_id = source["version_id"];
	        this.version_label = source["version_label"];
	        this.content_hash = source["content_hash"];
	        this.latest_version_id = source["latest_version_id"];
	        this.latest_version_label = source["latest_version_label"];
	        this.update_available = source["update_available"];
	        this.deterministic = source["deterministic"];
	        this.inputs = this.convertValues(source["inputs"], Handle);
	        this.outputs = this.convertValues(source["outputs"], Handle);
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
	export class Timeline {
	    workflow_id: string;
	    node_id: string;
	    current_generation_id: string;
	    generations: Generation[];
	
	    static createFrom(source: any = {}) {
	        return new Timeline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.node_id = source["node_id"];
	        this.current_generation_id = source["current_generation_id"];
	        this.generations = this.convertValues(source["generations"], Generation);
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
	export class URLState {
	    url: string;
	    busy: number;
	    concurrency: number;
	    jobs: number;
	    // Go type: time
	    set_aside_until: any;
	    last_error?: string;
	
	    static createFrom(source: any = {}) {
	        return new URLState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.busy = source["busy"];
	        this.concurrency = source["concurrency"];
	        this.jobs = source["jobs"];
	        this.set_aside_until = this.convertValues(source["set_aside_until"], null);
	        this.last_error = source["last_error"];
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
	
	export class Version {
	    id: string;
	    workflow_id: string;
	    seq: number;
	    label: string;
	    notes: string;
	    parent_id: string;
	    graph: Graph;
	    content_hash: string;
	    // Go type: time
	    created_at: any;
	
	    static createFrom(source: any = {}) {
	        return new Version(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.workflow_id = source["workflow_id"];
	        this.seq = source["seq"];
	        this.label = source["label"];
	        this.notes = source["notes"];
	        this.parent_id = source["parent_id"];
	        this.graph = this.convertValues(source["graph"], Graph);
	        this.content_hash = source["content_hash"];
	        this.created_at = this.convertValues(source["created_at"], null);
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
	export class VersionDiff {
	    graph: GraphDiff;
	    inputs_added: string[];
	    inputs_removed: string[];
	    inputs_changed: Record<string, any>;
	
	    static createFrom(source: any = {}) {
	        return new VersionDiff(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.graph = this.convertValues(source["graph"], GraphDiff);
	        this.inputs_added = source["inputs_added"];
	        this.inputs_removed = source["inputs_removed"];
	        this.inputs_changed = source["inputs_changed"];
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
	export class Workflow {
	    id: string;
	    name: string;
	    description: string;
	    tags: string[];
	    current_version_id: string;
	    // Go type: time
	    created_at: any;
	    // Go type: time
	    updated_at: any;
	
	    static createFrom(source: any = {}) {
	        return new Workflow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.tags = source["tags"];
	        this.current_version_id = source["current_version_id"];
	        this.created_at = this.convertValues(source["created_at"], null);
	        this.updated_at = this.convertValues(source["updated_at"], null);
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

export namespace main {
	
	export class RunInfo {
	    id: string;
	    workflow_id: string;
	    workflow_name: string;
	    version_id: string;
	    version_label: string;
	    status: string;
	    mode: string;
	    from_node: string;
	    label: string;
	    number: number;
	    queue_position: number;
	    inputs: Record<string, any>;
	    outputs: Record<string, any>;
	    nodes: Record<string, engine.NodeRecord>;
	    approvals: Record<string, engine.Approval>;
	    error: string;
	    created_at: string;
	    started_at: string;
	    finished_at: string;
	    saved_version: string;
	    parent_run_id?: string;
	    parent_node_id?: string;
	
	    static createFrom(source: any = {}) {
	        return new RunInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.workflow_id = source["workflow_id"];
	        this.workflow_name = source["workflow_name"];
	        this.version_id = source["version_id"];
	        this.version_label = source["version_label"];
	        this.status = source["status"];
	        this.mode = source["mode"];
	        this.from_node = source["from_node"];
	        this.label = source["label"];
	        this.number = source["number"];
	        this.queue_position = source["queue_position"];
	        this.inputs = source["inputs"];
	        this.outputs = source["outputs"];
	        this.nodes = this.convertValues(source["nodes"], engine.NodeRecord, true);
	        this.approvals = this.convertValues(source["approvals"], engine.Approval, true);
	        this.error = source["error"];
	        this.created_at = source["created_at"];
	        this.started_at = source["started_at"];
	        this.finished_at = source["finished_at"];
	        this.saved_version = source["saved_version"];
	        this.parent_run_id = source["parent_run_id"];
	        this.parent_node_id = source["parent_node_id"];
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
	export class CompareRunsResult {
	    diff: engine.RunDiff;
	    run_a: RunInfo;
	    run_b: RunInfo;
	    graph_a: engine.Graph;
	    graph_b?: engine.Graph;
	
	    static createFrom(source: any = {}) {
	        return new CompareRunsResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.diff = this.convertValues(source["diff"], engine.RunDiff);
	        this.run_a = this.convertValues(source["run_a"], RunInfo);
	        this.run_b = this.convertValues(source["run_b"], RunInfo);
	        this.graph_a = this.convertValues(source["graph_a"], engine.Graph);
	        this.graph_b = this.convertValues(source["graph_b"], engine.Graph);
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
	export class CompareVersionsResult {
	    diff: engine.VersionDiff;
	    version_a: engine.Version;
	    version_b: engine.Version;
	
	    static createFrom(source: any = {}) {
	        return new CompareVersionsResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.diff = this.convertValues(source["diff"], engine.VersionDiff);
	        this.version_a = this.convertValues(source["version_a"], engine.Version);
	        this.version_b = this.convertValues(source["version_b"], engine.Version);
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
	export class OpenedFile {
	    path: string;
	    workflow_id: string;
	    version_label: string;
	    created: boolean;
	    error: string;
	
	    static createFrom(source: any = {}) {
	        return new OpenedFile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.workflow_id = source["workflow_id"];
	        this.version_label = source["version_label"];
	        this.created = source["created"];
	        this.error = source["error"];
	    }
	}
	export class OrphanedRun {
	    id: string;
	    workflow_id: string;
	    workflow_name: string;
	    version_label: string;
	    label: string;
	    created_at: string;
	
	    static createFrom(source: any = {}) {
	        return new OrphanedRun(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.workflow_id = source["workflow_id"];
	        this.workflow_name = source["workflow_name"];
	        this.version_label = source["version_label"];
	        this.label = source["label"];
	        this.created_at = source["created_at"];
	    }
	}
	export class OrphanedQueue {
	    count: number;
	    runs: OrphanedRun[];
	
	    static createFrom(source: any = {}) {
	        return new OrphanedQueue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.runs = this.convertValues(source["runs"], OrphanedRun);
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
	
	export class ProviderInfo {
	    name: string;
	    kind: string;
	    urls: string[];
	    concurrency: number;
	    api_key_env: string;
	    pool: engine.URLState[];
	
	    static createFrom(source: any = {}) {
	        return new ProviderInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.kind = source["kind"];
	        this.urls = source["urls"];
	        this.concurrency = source["concurrency"];
	        this.api_key_env = source["api_key_env"];
	        this.pool = this.convertValues(source["pool"], engine.URLState);
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
	export class QueueControl {
	    paused: boolean;
	    cap: number;
	    cleared_at: string;
	
	    static createFrom(source: any = {}) {
	        return new QueueControl(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.paused = source["paused"];
	        this.cap = source["cap"];
	        this.cleared_at = source["cleared_at"];
	    }
	}
	
	export class RunRequest {
	    workflow_id: string;
	    version_id: string;
	    graph?: engine.Graph;
	    patch?: engine.GraphPatch;
	    inputs: Record<string, any>;
	    from: string;
	    changed: boolean;
	
	    static createFrom(source: any = {}) {
	        return new RunRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow_id = source["workflow_id"];
	        this.version_id = source["version_id"];
	        this.graph = this.convertValues(source["graph"], engine.Graph);
	        this.patch = this.convertValues(source["patch"], engine.GraphPatch);
	        this.inputs = source["inputs"];
	        this.from = source["from"];
	        this.changed = source["changed"];
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
	export class VersionHead {
	    id: string;
	    workflow_id: string;
	    seq: number;
	    label: string;
	    notes: string;
	    parent_id: string;
	    // Go type: time
	    created_at: any;
	
	    static createFrom(source: any = {}) {
	        return new VersionHead(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.workflow_id = source["workflow_id"];
	        this.seq = source["seq"];
	        this.label = source["label"];
	        this.notes = source["notes"];
	        this.parent_id = source["parent_id"];
	        this.created_at = this.convertValues(source["created_at"], null);
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
	export class WorkflowCard {
	    id: string;
	    name: string;
	    description: string;
	    versions: number;
	    current_version_id: string;
	    last_run_status: string;
	    last_run_at: string;
	    updated_at: string;
	
	    static createFrom(source: any = {}) {
	        return new WorkflowCard(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.versions = source["versions"];
	        this.current_version_id = source["current_version_id"];
	        this.last_run_status = source["last_run_status"];
	        this.last_run_at = source["last_run_at"];
	        this.updated_at = source["updated_at"];
	    }
	}
	export class WorkflowDetail {
	    workflow: engine.Workflow;
	    versions: VersionHead[];
	    current: engine.Version;
	    base?: engine.Version;
	    draft?: engine.Graph;
	    draft_base_id: string;
	    run_cap: number;
	    node_type_count: number;
	
	    static createFrom(source: any = {}) {
	        return new WorkflowDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow = this.convertValues(source["workflow"], engine.Workflow);
	        this.versions = this.convertValues(source["versions"], VersionHead);
	        this.current = this.convertValues(source["current"], engine.Version);
	        this.base = this.convertValues(source["base"], engine.Version);
	        this.draft = this.convertValues(source["draft"], engine.Graph);
	        this.draft_base_id = source["draft_base_id"];
	        this.run_cap = source["run_cap"];
	        this.node_type_count = source["node_type_count"];
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
	export class WorkflowMeta {
	    workflow: engine.Workflow;
	    versions: VersionHead[];
	
	    static createFrom(source: any = {}) {
	        return new WorkflowMeta(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workflow = this.convertValues(source["workflow"], engine.Workflow);
	        this.versions = this.convertValues(source["versions"], VersionHead);
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

export namespace nodes {
	
	export class FFmpegCheck {
	    ok: boolean;
	    setting: string;
	    ffmpeg: string;
	    ffprobe: string;
	    version: string;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new FFmpegCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.setting = source["setting"];
	        this.ffmpeg = source["ffmpeg"];
	        this.ffprobe = source["ffprobe"];
	        this.version = source["version"];
	        this.error = source["error"];
	    }
	}

}

