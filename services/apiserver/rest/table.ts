import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { printerFor } from '../../../lib/printers/kinds/registry.js';
import type { Presenter } from './call.js';
import type { ListedObject } from '../operations.js';
import { wholeList, type ListDocument } from './list-response.js';
import { listMetaJSON, objectJSON } from './objects.js';

// Server-side printing: objects as a meta.k8s.io/v1 Table with the columns and cells of the
// kubets CLI's own printers (lib/printers), so kubectl prints what `kubets get` prints. Wide
// columns are priority 1, shown by kubectl only with -o wide. Each row carries the object's
// metadata (kubectl reads the namespace and labels from it), or the whole object when the client
// asks with includeObject=Object.

type IncludeObject = 'None' | 'Metadata' | 'Object';

function columnDefinitions(info: ResourceInfo): object[] {
  return printerFor(info).columns.map((c, i) => ({
    name: c.name,
    type: 'string',
    format: i === 0 && c.name === 'Name' ? 'name' : '',
    description: '',
    priority: c.wide ? 1 : 0,
  }));
}

function rowObject(info: ResourceInfo, object: AnyObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  const json = objectJSON(info, object);
  if (include === 'Object') return json;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: json.metadata };
}

/** The Table of a list (or of one object): its rows are made one at a time as it is written. */
function table(info: ResourceInfo, entries: readonly ListedObject[], include: IncludeObject, metadata: t.ListMeta = {}): ListDocument {
  const printer = printerFor(info);
  const now = Date.now();
  return {
    head: { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMetaJSON(metadata), columnDefinitions: columnDefinitions(info) },
    field: 'rows',
    entries,
    present: ({ object }) => ({ cells: printer.cells(object, { now }), object: rowObject(info, object, include) }),
  };
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/** Tables for one request's query (includeObject=None|Metadata|Object; Metadata by default, as in Kubernetes). */
export function tablePresenter(query: URLSearchParams): Presenter {
  const include = includeObjectOf(query);
  return {
    object: (info, object) => wholeList(table(info, [{ object }], include)),
    bookmark: (info, object) => ({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: object.metadata?.resourceVersion }, columnDefinitions: [], rows: [] }),
    list: (info, entries, metadata) => table(info, entries, include, metadata),
  };
}
