/**
 * Booking slots and bookings: departments set slots (booking:admin); applicants book, cancel and
 * reschedule their own.
 */
import { AcceptancePlace, BookingStatus } from '../../../generated/prisma/enums.js';
import { toLocal } from '../../approvals/index.js';
import { book, cancelBooking, openSlots, recordAttendance, rescheduleBooking, setSlots } from '../booking.js';
import { assertApplicant, enterprisesOf } from '../access.js';
import { builder } from '../builder.js';

export const AcceptancePlaceEnum = builder.enumType(AcceptancePlace, { name: 'AcceptancePlace' });
const BookingStatusEnum = builder.enumType(BookingStatus, {
  name: 'BookingStatus',
  description: 'BOOKED, CANCELLED, KEPT (the applicant came), MISSED.',
});

export const BookingSlotType = builder.prismaObject('BookingSlot', {
  name: 'BookingSlot',
  description: 'Capacity of one item at one place on one working day and time.',
  fields: (t) => ({
    id: t.exposeID('id'),
    itemCode: t.exposeString('itemCode'),
    place: t.expose('place', { type: AcceptancePlaceEnum }),
    day: t.expose('day', { type: 'Date' }),
    time: t.exposeString('slot', { description: '"09:00-10:00" (Beijing time).' }),
    capacity: t.exposeInt('capacity'),
    booked: t.exposeInt('booked'),
    available: t.int({ resolve: (s) => Math.max(0, s.capacity - s.booked) }),
  }),
});

export const BookingType = builder.prismaObject('Booking', {
  name: 'Booking',
  description: 'An applicant’s booking of a slot.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: BookingStatusEnum }),
    uscc: t.expose('uscc', { type: 'USCC', nullable: true }),
    slot: t.field({
      type: BookingSlotType,
      resolve: (b, _a, ctx) => ctx.prisma.bookingSlot.findUniqueOrThrow({ where: { id: b.slotId } }),
    }),
    remindedAt: t.expose('remindedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const SlotInput = builder.inputType('BookingSlotInput', {
  fields: (t) => ({
    time: t.string({ required: true, description: '"HH:MM-HH:MM"' }),
    capacity: t.int({ required: true }),
  }),
});

const SetSlotsResult = builder
  .objectRef<{ days: Date[]; slots: number; unchangedBusy: number }>('SetBookingSlotsResult')
  .implement({
    fields: (t) => ({
      days: t.expose('days', {
        type: ['Date'],
        description: 'The working days the slots were set on (non-working days are skipped).',
      }),
      slots: t.exposeInt('slots', { description: 'Slots created or resized.' }),
      unchangedBusy: t.exposeInt('unchangedBusy', {
        description: 'Slots left as they were because more is booked than the new capacity.',
      }),
    }),
  });

builder.queryField('bookingSlots', (t) =>
  t.field({
    type: [BookingSlotType],
    description: 'Slots of an item from today on (public).',
    args: { itemCode: t.arg.string({ required: true }), days: t.arg.int({ required: false }) },
    resolve: (_r, a, ctx) => openSlots(ctx, a.itemCode, Math.min(60, a.days ?? 14)),
  }),
);

builder.queryField('myBookings', (t) =>
  t.field({
    type: [BookingType],
    description: 'The signed-in applicant’s bookings and those of their enterprises. Errors: UNAUTHENTICATED.',
    resolve: async (_r, _a, ctx) => {
      assertApplicant(ctx.caller);
      const usccs = await enterprisesOf(ctx, ctx.caller.accountId);
      return ctx.prisma.booking.findMany({
        where: { OR: [{ accountId: ctx.caller.accountId }, { uscc: { in: usccs } }] },
        orderBy: { createdAt: 'desc' },
        take: 200,
      });
    },
  }),
);

builder.mutationField('setBookingSlots', (t) =>
  t.field({
    type: SetSlotsResult,
    description:
      'Creates or resizes the slots of an item of the caller’s department at a place on every working day from..to (booking:admin). Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT.',
    args: {
      itemCode: t.arg.string({ required: true }),
      place: t.arg({ type: AcceptancePlaceEnum, required: true }),
      from: t.arg({ type: 'Date', required: true }),
      to: t.arg({ type: 'Date', required: true }),
      slots: t.arg({ type: [SlotInput], required: true }),
    },
    resolve: async (_r, a, ctx) => {
      const r = await setSlots(ctx, {
        itemCode: a.itemCode,
        place: a.place,
        from: toLocal(a.from),
        to: toLocal(a.to),
        slots: a.slots,
      });
      return { days: r.days.map((d) => new Date(`${d}T00:00:00Z`)), slots: r.slots, unchangedBusy: r.kept.length };
    },
  }),
);

builder.mutationField('bookSlot', (t) =>
  t.field({
    type: BookingType,
    description:
      'Books a slot (signed-in applicant), optionally for an enterprise the account acts for. Errors: CONFLICT (SLOT_FULL, ALREADY_BOOKED), NOT_FOUND, FORBIDDEN, UNAUTHENTICATED.',
    args: { slotId: t.arg.id({ required: true }), uscc: t.arg({ type: 'USCC', required: false }) },
    resolve: (_r, a, ctx) => book(ctx, String(a.slotId), a.uscc ?? null),
  }),
);

builder.mutationField('cancelBooking', (t) =>
  t.field({
    type: BookingType,
    description: 'Cancels an open booking; the seat is freed.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => cancelBooking(ctx, String(a.id)),
  }),
);

builder.mutationField('rescheduleBooking', (t) =>
  t.field({
    type: BookingType,
    description: 'Moves an open booking to another slot of the same item. Errors: CONFLICT (SLOT_FULL), NOT_FOUND.',
    args: { id: t.arg.id({ required: true }), slotId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => rescheduleBooking(ctx, String(a.id), String(a.slotId)),
  }),
);

builder.mutationField('recordBookingAttendance', (t) =>
  t.field({
    type: BookingType,
    description:
      'The window records whether the applicant came: KEPT or MISSED (booking:admin of the item’s department). Feeds bookingSuccessRate.',
    args: { id: t.arg.id({ required: true }), kept: t.arg.boolean({ required: true }) },
    resolve: (_r, a, ctx) => recordAttendance(ctx, String(a.id), a.kept),
  }),
);
