/** A demo customer of the seeded data (the API has no customers endpoint; the names match the seed). */
export interface Customer {
  name: string;
  city: string;
  country: string;
  segment: string;
  since: number;
}

export const CUSTOMERS: readonly Customer[] = [
  { name: 'Acme', city: 'Springfield', country: 'USA', segment: 'Manufacturing', since: 2016 },
  { name: 'Globex', city: 'Cypress Creek', country: 'USA', segment: 'Energy', since: 2018 },
  { name: 'Initech', city: 'Austin', country: 'USA', segment: 'Software', since: 2019 },
  { name: 'Umbrella', city: 'Raccoon City', country: 'USA', segment: 'Pharma', since: 2017 },
  { name: 'Stark', city: 'New York', country: 'USA', segment: 'Defence', since: 2015 },
];
