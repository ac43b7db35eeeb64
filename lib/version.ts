/** The kubets release; reported by `kubets version`, the apiserver and the kubelet. */
export const VERSION = 'v0.1.0';
