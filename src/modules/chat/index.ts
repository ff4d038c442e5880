import type { CoreServices } from '../index.js';
import type { AdminModule } from '../admin/index.js';
import { ChatBus } from './chat-bus.js';
import { ChatRepository } from './chat-repository.js';
import { ChatService } from './chat-service.js';

/** The chat with the contact centre: the bot, the hand-off, the desk's console, live across instances. */
export function createChatModule(core: CoreServices, admin: AdminModule) {
  const { connection } = core.db.client.config as { connection: { connectionString: string } };
  const bus = new ChatBus(connection.connectionString, core.logger);
  return {
    conversations: new ChatService(core.db, new ChatRepository(), core.clock, admin.site, admin.support, bus),
  };
}

export type ChatModule = ReturnType<typeof createChatModule>;
