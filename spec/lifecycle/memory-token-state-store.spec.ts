import { MemoryTokenStateStore } from '../../lib/lifecycle/memory-token-state-store';
import { describeTokenStateStoreContract } from './token-state-store.contract';

describeTokenStateStoreContract('MemoryTokenStateStore', () => new MemoryTokenStateStore());
