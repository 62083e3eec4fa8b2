import type { Ctx } from '../context/context.js';
import { KgcError } from '../errors/kgc-error.js';
import * as sql from './erp.queries.js';
import type { OrderArrival, OrderStatus } from './erp.schema.js';
import { daysBetween, isoSeconds, localParts } from './local-time.js';

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus['status'];
  estimated_arrival: string | null;
  arrived_at: Date | null;
  notification_sent: boolean;
  customer_phone: string | null;
  items: OrderStatus['items'];
}

async function loadOrder(ctx: Pick<Ctx, 'erp'>, orderId: string): Promise<OrderRow> {
  const { rows } = await ctx.erp.query<OrderRow>(sql.ORDER_STATUS, [orderId]);
  if (!rows[0]) throw new KgcError('order_not_found', `no order ${orderId}`);
  return rows[0];
}

/** Who an answer about an order belongs to (the read cache files it under them). */
export interface Owned<T> {
  value: T;
  owner: { customer: string };
}

export async function orderStatusOwned(
  ctx: Pick<Ctx, 'erp'>,
  orderId: string,
): Promise<Owned<OrderStatus>> {
  const o = await loadOrder(ctx, orderId);
  const value: OrderStatus = {
    order_id: o.id,
    customer_phone: o.customer_phone,
    status: o.status,
    items: o.items,
    estimated_arrival: o.estimated_arrival,
    arrived_at: o.arrived_at ? isoSeconds(o.arrived_at) : null,
    notification_sent: o.notification_sent,
  };
  return { value, owner: { customer: o.customer_id } };
}

const ARRIVED = new Set(['beérkezett', 'átadva']);

export async function orderArrivalOwned(
  ctx: Pick<Ctx, 'erp' | 'clock' | 'config'>,
  orderId: string,
): Promise<Owned<OrderArrival>> {
  const o = await loadOrder(ctx, orderId);
  const arrived = ARRIVED.has(o.status);
  const today = localParts(ctx.clock.now(), ctx.config.timezone).date;
  const value: OrderArrival = {
    order_id: o.id,
    status: o.status,
    arrived,
    arrived_at: o.arrived_at ? isoSeconds(o.arrived_at) : null,
    estimated_arrival: o.estimated_arrival,
    days_until_arrival:
      !arrived && o.estimated_arrival && o.status !== 'törölve'
        ? daysBetween(today, o.estimated_arrival)
        : null,
    items_pending: o.items.filter((i) => !ARRIVED.has(i.status) && i.status !== 'törölve').length,
  };
  return { value, owner: { customer: o.customer_id } };
}
