// What the README's fragments (snippets that continue an earlier one) take as given.
import type { SobotClient, GraphClient } from 'sobot-channels';

declare global {
  const sobot: SobotClient;
  const graph: GraphClient;
  const conversationId: string;
  const appId: string;
  const appKey: string;
  const task_start_time: number;
  const task_end_time: number;
}
