// The labels and annotations Kubernetes puts on a Job's pods, shared by the apiserver (which
// generates a Job's selector from them) and the Job controller (which marks each pod's index).

/** The uid of the pod's Job: the generated selector matches on it. */
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
/** The name of the pod's Job: friendlier than the uid and unique in all but odd cases. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
/** An Indexed Job's pod: its completion index, as a label and an annotation. */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
