import type { Metadata } from 'next';
import { SchedulesOverview } from '../../components/schedules/schedules-page';

export const metadata: Metadata = { title: 'Schedules' };

export default function SchedulesPage() {
  return <SchedulesOverview />;
}
