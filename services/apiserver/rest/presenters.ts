import type { Presenter } from './call.js';
import { listJSON, objectJSON } from './objects.js';

/** Objects as Kubernetes' JSON (or YAML, from the same document). */
export const jsonPresenter: Presenter = {
  object: objectJSON,
  bookmark: objectJSON,
  list: listJSON,
};
