import * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../../../lib/api/errors.js';
import { authenticate, type BearerAuthenticator } from '../auth.js';
import { descriptorIndex, type DescribedFile } from './file-descriptors.js';

// gRPC server reflection (grpc.reflection.v1 and its older v1alpha name; the messages are the
// same): lists the services the apiserver serves and returns the descriptor of any file or
// symbol, with every file it imports, so grpcurl-style tools need no .proto files.

interface ReflectionRequest {
  host?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type?: string; extension_number?: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

interface ReflectionResponse {
  valid_host: string;
  original_request: ReflectionRequest;
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  all_extension_numbers_response?: { base_type_name: string; extension_number: number[] };
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_code: number; error_message: string };
}

type Answer = Omit<ReflectionResponse, 'valid_host' | 'original_request'>;

/** The file and every file it imports, transitively, each once. */
function withDependencies(file: DescribedFile): Buffer[] {
  const { files } = descriptorIndex();
  const seen = new Set<string>();
  const order: Buffer[] = [];
  const add = (f: DescribedFile): void => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    order.push(f.encoded);
    for (const dep of f.dependencies) add(files.get(dep)!);
  };
  add(file);
  return order;
}

const notFound = (message: string): Answer => ({ error_response: { error_code: grpc.status.NOT_FOUND, error_message: message } });

function answer(req: ReflectionRequest, services: string[]): Answer {
  const { files, fileOfSymbol } = descriptorIndex();
  if (req.list_services !== undefined) return { list_services_response: { service: services.map((name) => ({ name })) } };
  if (req.file_by_filename !== undefined) {
    const file = files.get(req.file_by_filename);
    return file ? { file_descriptor_response: { file_descriptor_proto: withDependencies(file) } } : notFound(`file not found: ${req.file_by_filename}`);
  }
  if (req.file_containing_symbol !== undefined) {
    const file = fileOfSymbol.get(req.file_containing_symbol.replace(/^\./, ''));
    return file ? { file_descriptor_response: { file_descriptor_proto: withDependencies(file) } } : notFound(`symbol not found: ${req.file_containing_symbol}`);
  }
  // The schema declares no extensions.
  if (req.all_extension_numbers_of_type !== undefined) {
    const type = req.all_extension_numbers_of_type.replace(/^\./, '');
    return fileOfSymbol.has(type) ? { all_extension_numbers_response: { base_type_name: type, extension_number: [] } } : notFound(`type not found: ${type}`);
  }
  if (req.file_containing_extension !== undefined) return notFound(`extension not found: ${req.file_containing_extension.containing_type ?? ''}(${req.file_containing_extension.extension_number ?? 0})`);
  return { error_response: { error_code: grpc.status.INVALID_ARGUMENT, error_message: 'the request names nothing to look up' } };
}

/** The handlers of one ServerReflection service; services: the full names the server serves. */
export function reflectionHandlers(authenticator: BearerAuthenticator | undefined, services: string[]): grpc.UntypedServiceImplementation {
  return {
    ServerReflectionInfo: (call: grpc.ServerDuplexStream<ReflectionRequest, ReflectionResponse>) => {
      // As Kubernetes' discovery and OpenAPI documents: for authenticated callers only.
      try {
        authenticate(authenticator, call.metadata);
      } catch (err) {
        call.emit('error', toServiceError(err));
        return;
      }
      call.on('data', (req: ReflectionRequest) => {
        call.write({ valid_host: req.host ?? '', original_request: req, ...answer(req, services) });
      });
      call.on('end', () => call.end());
    },
  };
}
