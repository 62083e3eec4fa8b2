/**
 * Demo data for the embedded default: every example of the seed document, plus
 * enough neighbours to make the endpoints interesting. Where the seed's examples
 * disagree, DESIGN.md section 10 decides (M-2025-0123 is Nagy Péter's chainsaw;
 * Kovács János exists twice, a ready case for the duplicates endpoint).
 * Rentals are placed around the day the demo is seeded, so that R-2025-001 is
 * active with late_days 0 as in seed 2.1 whatever the date.
 */

export const LOCATIONS = [
  {
    id: 'BP-01',
    name: 'KGC Budapest Váci út',
    city: 'Budapest',
    address: '1134 Budapest, Váci út 45.',
    opens_at: '08:00',
    closes_at: '17:00',
    open_days: '12345',
    slot_minutes: 30,
  },
  {
    id: 'DEB-01',
    name: 'KGC Debrecen',
    city: 'Debrecen',
    address: '4025 Debrecen, Piac utca 12.',
    opens_at: '08:00',
    closes_at: '16:00',
    open_days: '123456',
    slot_minutes: 30,
  },
  {
    id: 'SZE-01',
    name: 'KGC Szeged',
    city: 'Szeged',
    address: '6720 Szeged, Kárász utca 3.',
    opens_at: '09:00',
    closes_at: '17:00',
    open_days: '12345',
    slot_minutes: 60,
  },
];

export interface DemoCustomer {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  company: string | null;
  is_business: boolean;
  tax_number: string | null;
  id_card_number: string | null;
  balance: number;
  payment_status: 'good' | 'late' | 'blocked';
}

export const CUSTOMERS: DemoCustomer[] = [
  // Seed 2.4: the by-phone example answer.
  {
    id: 'C-123',
    name: 'Kovács János',
    phone: '+36301234567',
    email: 'kovacs@example.com',
    company: null,
    is_business: false,
    tax_number: '8412345678',
    id_card_number: '123456AB',
    balance: 0,
    payment_status: 'good',
  },
  // Seed 9.2: Kovács János again, with another number: a duplicate candidate.
  {
    id: 'C-124',
    name: 'Kovács János',
    phone: '+36301112233',
    email: 'janos.kovacs@example.com',
    company: null,
    is_business: false,
    tax_number: '8412345679',
    id_card_number: '654321CD',
    balance: 0,
    payment_status: 'good',
  },
  // Seed 4.2: the worklog example's customer.
  {
    id: 'C-456',
    name: 'Nagy Péter',
    phone: '+36309876543',
    email: 'nagy.peter@example.com',
    company: null,
    is_business: false,
    tax_number: '8398765432',
    id_card_number: '987654EF',
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-501',
    name: 'Szabó Éva',
    phone: '+36205551234',
    email: 'szabo.eva@szabokft.example',
    company: 'Szabó és Társa Kft.',
    is_business: true,
    tax_number: '12345678-2-13',
    id_card_number: null,
    balance: -125000,
    payment_status: 'late',
  },
  {
    id: 'C-502',
    name: 'Tóth Anna',
    phone: '+36705559876',
    email: 'toth.anna@example.com',
    company: null,
    is_business: false,
    tax_number: '8455555555',
    id_card_number: '112233GH',
    balance: -48000,
    payment_status: 'blocked',
  },
  {
    id: 'C-503',
    name: 'Horváth Gábor',
    phone: '+3612345678',
    email: null,
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-504',
    name: 'Kis Zoltán',
    phone: '+36204443322',
    email: 'kis.zoltan@example.com',
    company: 'Kis Kertészet Bt.',
    is_business: true,
    tax_number: '23456789-1-09',
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-505',
    name: 'Varga Katalin',
    phone: '+36703332211',
    email: 'varga.kata@example.com',
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: '445566IJ',
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-506',
    name: 'Kovacs Janos',
    phone: '+36209998877',
    email: null,
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-507',
    name: 'Molnár Ferenc',
    phone: '+36306667788',
    email: 'molnar.f@example.com',
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
  // Two customers sharing one landline: by-phone answers 409 with both ids.
  {
    id: 'C-508',
    name: 'Fekete István',
    phone: '+3652123456',
    email: null,
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
  {
    id: 'C-509',
    name: 'Fekete Istvánné',
    phone: '+3652123456',
    email: null,
    company: null,
    is_business: false,
    tax_number: null,
    id_card_number: null,
    balance: 0,
    payment_status: 'good',
  },
];

export const MACHINES = [
  { id: 'MAK-TV01', name: 'Makita talajvágó', type: 'Talajvágó' },
  { id: 'HUS-450E', name: 'Husqvarna láncfűrész 450e', type: 'Láncfűrész' },
  { id: 'STI-MS170', name: 'Stihl láncfűrész MS 170', type: 'Láncfűrész' },
  { id: 'HON-HRG416', name: 'Honda fűnyíró HRG 416', type: 'Fűnyíró' },
  { id: 'BOS-GSH11', name: 'Bosch vésőkalapács GSH 11', type: 'Vésőkalapács' },
];

/** Rentals: start and end are offsets in days from the seeding day. */
export const RENTALS = [
  // Seed 2.1: active, not late.
  {
    id: 'R-2025-001',
    customer_id: 'C-123',
    machine_id: 'MAK-TV01',
    location_id: 'BP-01',
    start: 0,
    end: 2,
    returned: null,
    status: 'active',
  },
  {
    id: 'R-2025-002',
    customer_id: 'C-456',
    machine_id: 'BOS-GSH11',
    location_id: 'BP-01',
    start: -6,
    end: -3,
    returned: null,
    status: 'active',
  },
  {
    id: 'R-2025-003',
    customer_id: 'C-501',
    machine_id: 'STI-MS170',
    location_id: 'DEB-01',
    start: -20,
    end: -15,
    returned: -13,
    status: 'returned',
  },
  {
    id: 'R-2024-117',
    customer_id: 'C-124',
    machine_id: 'HON-HRG416',
    location_id: 'SZE-01',
    start: -60,
    end: -58,
    returned: -58,
    status: 'returned',
  },
] as const;

export const WORKLOGS = [
  // Seed 4.2: the full API answer, field for field.
  {
    id: 'M-2025-0123',
    customer_id: 'C-456',
    machine_name: 'Husqvarna láncfűrész 450e',
    machine_type: 'Láncfűrész',
    location_id: 'BP-01',
    status: 'javítás',
    estimated_completion: '2025-12-30T17:00:00Z',
    quote_amount: 18500,
    quote_accepted: true,
    technician_notes: 'Lánc és láncvezető csere. Készen várható 12/30 délután.',
  },
  // Seed 2.2: the lawnmower in diagnosis, under its own id (DESIGN.md 10).
  {
    id: 'M-2025-0098',
    customer_id: 'C-124',
    machine_name: 'Honda fűnyíró HRG 416',
    machine_type: 'Fűnyíró',
    location_id: 'BP-01',
    status: 'diagnosztika',
    estimated_completion: '2025-12-30T16:00:00Z',
    quote_amount: 15000,
    quote_accepted: null,
    technician_notes: 'Gyújtógyertya csere szükséges',
  },
  {
    id: 'M-2025-0131',
    customer_id: 'C-501',
    machine_name: 'Stihl láncfűrész MS 170',
    machine_type: 'Láncfűrész',
    location_id: 'DEB-01',
    status: 'kész',
    estimated_completion: '2025-12-27T15:00:00Z',
    quote_amount: 9800,
    quote_accepted: true,
    technician_notes: 'Karburátor tisztítás kész.',
  },
  {
    id: 'M-2025-0135',
    customer_id: 'C-504',
    machine_name: 'Makita talajvágó',
    machine_type: 'Talajvágó',
    location_id: 'SZE-01',
    status: 'árajánlat',
    estimated_completion: null,
    quote_amount: 22400,
    quote_accepted: false,
    technician_notes: 'Kuplung csere javasolt.',
  },
] as const;

export const PRODUCTS = [
  { sku: 'MAK-DGA452', name: 'Makita akkus fúró', category: 'Akkus gépek' },
  { sku: 'HUS-CHAIN-45', name: 'Husqvarna lánc 45 cm', category: 'Alkatrész' },
  { sku: 'STI-OIL-1L', name: 'Stihl lánckenő olaj 1 l', category: 'Kellék' },
  { sku: 'BOS-GSB18', name: 'Bosch ütvefúró GSB 18V', category: 'Akkus gépek' },
];

export const INVENTORY = [
  { sku: 'MAK-DGA452', location_id: 'BP-01', quantity: 5, reserved: 1 },
  { sku: 'MAK-DGA452', location_id: 'DEB-01', quantity: 0, reserved: 0 },
  { sku: 'MAK-DGA452', location_id: 'SZE-01', quantity: 2, reserved: 0 },
  { sku: 'HUS-CHAIN-45', location_id: 'BP-01', quantity: 12, reserved: 0 },
  { sku: 'STI-OIL-1L', location_id: 'DEB-01', quantity: 30, reserved: 4 },
  { sku: 'BOS-GSB18', location_id: 'SZE-01', quantity: 1, reserved: 1 },
];

export const ORDERS = [
  // Seed 2.3: arrived, customer notified.
  {
    id: 'O-2025-0456',
    customer_id: 'C-123',
    location_id: 'BP-01',
    status: 'beérkezett',
    ordered_at: '2025-12-18T09:12:00Z',
    estimated_arrival: '2025-12-27',
    arrived_at: '2025-12-27T10:30:00Z',
    notification_sent: true,
  },
  {
    id: 'O-2025-0461',
    customer_id: 'C-504',
    location_id: 'SZE-01',
    status: 'úton',
    ordered_at: '2025-12-22T13:40:00Z',
    estimated_arrival: null,
    arrived_at: null,
    notification_sent: false,
  },
];

export const ORDER_ITEMS = [
  {
    order_id: 'O-2025-0456',
    line_no: 1,
    sku: 'MAK-DGA452',
    name: 'Makita akkus fúró',
    quantity: 2,
    status: 'beérkezett',
  },
  {
    order_id: 'O-2025-0461',
    line_no: 1,
    sku: 'BOS-GSB18',
    name: 'Bosch ütvefúró GSB 18V',
    quantity: 1,
    status: 'úton',
  },
  {
    order_id: 'O-2025-0461',
    line_no: 2,
    sku: 'STI-OIL-1L',
    name: 'Stihl lánckenő olaj 1 l',
    quantity: 3,
    status: 'rendelve',
  },
];

/** Days from the seeding day for orders whose arrival is still ahead. */
export const ORDER_ETA_OFFSETS: Record<string, number> = { 'O-2025-0461': 5 };
