export { runLeaderElection, LeaderElectionConfigError, type LeaderElectionConfig, type LeaderElectionOutcome } from './leader-election.js';
