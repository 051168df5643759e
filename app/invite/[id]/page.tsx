import type { Metadata } from 'next';
import { InviteAccept } from '../../../components/auth/invite-accept';

export const metadata: Metadata = { title: 'Invitation' };

/** An invite link an admin copied from the Members page. */
export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <main className="mx-auto w-full max-w-sm flex-1 px-6 py-16">
      <InviteAccept invitationId={id} />
    </main>
  );
}
