import type { DeleteOptions, PersistentVolumeClaim, Pod, Service } from '../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import type { RequestScope } from '../request-scope.js';
import type { TxnExtra } from '../storage/store.js';

// What the generic registry, watch filtering and admission chain need to know about one kind, as
// Kubernetes' registry strategies hold it. Nothing outside a kind's strategy names the kind.

/** One selectable field's value as Kubernetes compares it: booleans "true"/"false", numbers in decimal, absent "". */
export type FieldGetter<T> = (obj: T) => string;
export type FieldGetters<T> = Readonly<Record<string, FieldGetter<T>>>;

export interface SelectableFields<T> {
  /** Fields beyond metadata.name (and metadata.namespace for namespaced kinds). */
  getters: FieldGetters<T>;
  /**
   * A field whose `=` selectors index watchers, so an event only visits the watchers that can
   * want it (a kubelet watches `spec.nodeName=<its node>`).
   */
  indexed?: string;
  /**
   * Paths the getters read beyond their own names (a field whose value may come from a newer
   * one): the watch cache decodes only the selectable paths to filter events.
   */
  reads?: readonly string[];
}

/** A string field as a selector compares it: absent reads as "". */
export const fieldText = (value: string | undefined): string => value ?? '';

/** The selectable fields of a kind; the compiler checks that the indexed field is one of them. */
export function selectableFields<T, K extends string>(getters: Record<K, FieldGetter<T>>, indexed?: NoInfer<K>, reads?: readonly string[]): SelectableFields<T> {
  return { getters, ...(indexed === undefined ? {} : { indexed }), ...(reads ? { reads } : {}) };
}

type StatusOf<T> = T extends { status?: infer S } ? S | undefined : undefined;

export interface StatusStrategy<T> {
  /** The status a new object starts with, whatever the client sent (nodes report their own). */
  initial(object: T): StatusOf<T>;
  /** Validates a write to the status subresource: `object` carries the stored spec and the new status. */
  validateUpdate(object: T, old: T): FieldError[];
}

export interface DeletionStrategy<T> {
  /**
   * Graceful deletion: the seconds whoever runs the object (a pod's kubelet) gets to stop it. More
   * than 0 marks the object with a deletionTimestamp instead of removing it.
   */
  gracePeriodSeconds?(object: T, options: DeleteOptions): number;
  /**
   * The kind finalizes its own objects (namespaces): a delete always only marks the object, and
   * this runs on the marked copy.
   */
  finalize?(marked: T): void;
  /**
   * True while an object being deleted still waits for more than metadata.finalizers (its kubelet,
   * a namespace's spec.finalizers): an update that removes the last finalizer then keeps it.
   */
  heldBeyondFinalizers?(object: T): boolean;
}

export interface ScaleStrategy<T> {
  /** The selector of the scaled pods, as the Scale subresource's status.selector shows it. */
  selector(object: T): string;
}

/**
 * Admission and allocation for one kind around a write. `admit` may change the object and may
 * reject it; the txn hooks may change it too (an allocated ClusterIP) and return compares and ops
 * that commit in the same etcd transaction as the object.
 */
export interface KindHooks<T> {
  /** The txn hooks compare shared keys: the registry runs this kind's writes one at a time. */
  readonly serializeWrites?: boolean;
  admit?(op: 'create' | 'update', object: T, old?: T, scope?: RequestScope): Promise<void>;
  txnForCreate?(object: T): Promise<TxnExtra | undefined>;
  txnForUpdate?(object: T, old: T): Promise<TxnExtra | undefined>;
  txnForDelete?(old: T): Promise<TxnExtra | undefined>;
}

/**
 * The kind-specific admission plugins and allocators; the server builds them from its configuration.
 * A strategy lists the ones of its kind in the admission chain's order (admission/chain.ts).
 */
export interface KindPlugins {
  limitRanger: { pods: KindHooks<Pod>; claims: KindHooks<PersistentVolumeClaim> };
  priority: KindHooks<Pod>;
  defaultTolerationSeconds: KindHooks<Pod>;
  serviceAllocation: KindHooks<Service>;
  defaultStorageClass: KindHooks<PersistentVolumeClaim>;
  serviceAccount: KindHooks<Pod>;
}

export interface KindStrategy<T extends AnyObject> {
  /** Fills in what a client may leave out (Kubernetes' SetDefaults_*); mutates. Runs before validation on every create and update. */
  defaults?(object: T): void;
  /** Validates an object about to be created (it arrives defaulted). */
  validateCreate(object: T): FieldError[];
  /** What an update may not change; the registry runs validateCreate on the new object as well. */
  validateUpdate(object: T, old: T): FieldError[];
  /** The status subresource, exactly for the kinds whose resource entry has hasStatus. */
  status?: StatusStrategy<T>;
  /** Kinds Kubernetes 1.32 gives a metadata.generation (workloads, jobs, ingresses, slices...; not pods, services, nodes, namespaces or volumes): it starts at 1 and counts changes of the spec. */
  tracksGeneration: boolean;
  /** Server-side rules of an update of the main resource (what carries over from the stored object); runs before defaulting. */
  prepareForUpdate?(object: T, old: T): void;
  fields?: SelectableFields<T>;
  /** Without it, a delete removes the object unless metadata.finalizers hold it. */
  deletion?: DeletionStrategy<T>;
  /** Objects expire through an etcd lease after the apiserver's --event-ttl. */
  expiresAfterEventTtl?: boolean;
  /** May be created in a namespace that is being terminated (events about the cleanup itself). */
  allowedInTerminatingNamespace?: boolean;
  /** The scale subresource, exactly for the kinds whose resource entry has hasScale. */
  scale?: ScaleStrategy<T>;
  /** The approval subresource (CertificateSigningRequests): validates a write of the decision, carried in the status. */
  approval?: Pick<StatusStrategy<T>, 'validateUpdate'>;
  /** The kind's own admission plugins and allocators, in the order they run. */
  hooks?(plugins: KindPlugins): KindHooks<T>[];
}
