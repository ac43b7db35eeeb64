/**
 * Names every apiserver certificate carries, as kubeadm's do. Clients that reach an apiserver by IP
 * verify the certificate against `kubernetes` (TLS forbids an IP as the server name). Kept apart
 * from the certificate code so clients load no crypto library to read it.
 */
export const APISERVER_SERVICE_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
