export { EventRecorder, type EventRecorderOptions, type EventType, type InvolvedObject } from './event-recorder.js';
