import { z } from 'zod';
import { defineStep, port } from '../../core/step';
import type { TableSchema } from '../../core/table-schema';

interface Sample {
  file: string;
  format: 'csv' | 'json';
  title: string;
  rows: number;
  /** The columns as Millrace reads the file (checked against the real files by sample.test.ts). */
  columns: [string, string][];
}

// The example datasets shipped by the vega-datasets package, readable without any upload.
export const SAMPLES = {
  penguins: {
    file: 'penguins.json', format: 'json', title: 'Palmer penguins: species, island and body measurements', rows: 344,
    columns: [['Species', 'VARCHAR'], ['Island', 'VARCHAR'], ['Beak Length (mm)', 'DOUBLE'], ['Beak Depth (mm)', 'DOUBLE'], ['Flipper Length (mm)', 'BIGINT'], ['Body Mass (g)', 'BIGINT'], ['Sex', 'VARCHAR']],
  },
  cars: {
    file: 'cars.json', format: 'json', title: 'Cars of the 1970s and 80s: miles per gallon, engine and origin', rows: 406,
    columns: [['Name', 'VARCHAR'], ['Miles_per_Gallon', 'DOUBLE'], ['Cylinders', 'BIGINT'], ['Displacement', 'DOUBLE'], ['Horsepower', 'BIGINT'], ['Weight_in_lbs', 'BIGINT'], ['Acceleration', 'DOUBLE'], ['Year', 'DATE'], ['Origin', 'VARCHAR']],
  },
  'seattle-weather': {
    file: 'seattle-weather.csv', format: 'csv', title: 'Seattle daily weather 2012–2015: precipitation, temperatures, wind and kind of weather', rows: 1461,
    columns: [['date', 'DATE'], ['precipitation', 'DOUBLE'], ['temp_max', 'DOUBLE'], ['temp_min', 'DOUBLE'], ['wind', 'DOUBLE'], ['weather', 'VARCHAR']],
  },
  weather: {
    file: 'weather.csv', format: 'csv', title: 'Daily weather of Seattle and New York 2012–2015', rows: 2922,
    columns: [['location', 'VARCHAR'], ['date', 'DATE'], ['precipitation', 'DOUBLE'], ['temp_max', 'DOUBLE'], ['temp_min', 'DOUBLE'], ['wind', 'DOUBLE'], ['weather', 'VARCHAR']],
  },
  'flights-200k': {
    file: 'flights-200k.json', format: 'json', title: '200,000 US flights: delay, distance and time of day', rows: 200000,
    columns: [['delay', 'DOUBLE'], ['distance', 'BIGINT'], ['time', 'DOUBLE']],
  },
  'flights-2k': {
    file: 'flights-2k.json', format: 'json', title: '2,000 US flights with date, delay, distance, origin and destination', rows: 2000,
    columns: [['date', 'VARCHAR'], ['delay', 'DOUBLE'], ['distance', 'BIGINT'], ['origin', 'VARCHAR'], ['destination', 'VARCHAR']],
  },
  gapminder: {
    file: 'gapminder.json', format: 'json', title: 'Gapminder: life expectancy, fertility and population by country and year', rows: 682,
    columns: [['year', 'BIGINT'], ['country', 'VARCHAR'], ['cluster', 'BIGINT'], ['pop', 'BIGINT'], ['life_expect', 'DOUBLE'], ['fertility', 'DOUBLE']],
  },
  barley: {
    file: 'barley.json', format: 'json', title: 'Barley yields by variety, site and year (Minnesota, 1931–32)', rows: 120,
    columns: [['yield', 'DOUBLE'], ['variety', 'VARCHAR'], ['year', 'BIGINT'], ['site', 'VARCHAR']],
  },
  anscombe: {
    file: 'anscombe.json', format: 'json', title: "Anscombe's quartet: four series with the same statistics", rows: 44,
    columns: [['Series', 'VARCHAR'], ['X', 'DOUBLE'], ['Y', 'DOUBLE']],
  },
  'co2-concentration': {
    file: 'co2-concentration.csv', format: 'csv', title: 'Monthly CO₂ concentration at Mauna Loa since 1958', rows: 741,
    columns: [['Date', 'DATE'], ['CO2', 'DOUBLE'], ['adjusted CO2', 'DOUBLE']],
  },
  disasters: {
    file: 'disasters.csv', format: 'csv', title: 'Deaths from natural disasters by kind and year', rows: 803,
    columns: [['Entity', 'VARCHAR'], ['Year', 'BIGINT'], ['Deaths', 'BIGINT']],
  },
  population: {
    file: 'population.json', format: 'json', title: 'US population by age group and sex, 1850–2000', rows: 570,
    columns: [['year', 'BIGINT'], ['age', 'BIGINT'], ['sex', 'BIGINT'], ['people', 'BIGINT']],
  },
  airports: {
    file: 'airports.csv', format: 'csv', title: 'US airports with city, state and coordinates', rows: 3376,
    columns: [['iata', 'VARCHAR'], ['name', 'VARCHAR'], ['city', 'VARCHAR'], ['state', 'VARCHAR'], ['country', 'VARCHAR'], ['latitude', 'DOUBLE'], ['longitude', 'DOUBLE']],
  },
  birdstrikes: {
    file: 'birdstrikes.csv', format: 'csv', title: 'Aircraft wildlife strikes: damage, phase of flight, species and cost', rows: 10000,
    columns: [['Airport Name', 'VARCHAR'], ['Aircraft Make Model', 'VARCHAR'], ['Effect Amount of damage', 'VARCHAR'], ['Flight Date', 'DATE'], ['Aircraft Airline Operator', 'VARCHAR'], ['Origin State', 'VARCHAR'], ['Phase of flight', 'VARCHAR'], ['Wildlife Size', 'VARCHAR'], ['Wildlife Species', 'VARCHAR'], ['Time of day', 'VARCHAR'], ['Cost Other', 'BIGINT'], ['Cost Repair', 'BIGINT'], ['Cost Total $', 'BIGINT'], ['Speed IAS in knots', 'BIGINT']],
  },
  jobs: {
    file: 'jobs.json', format: 'json', title: 'US occupations by sex, 1850–2000: counts and shares', rows: 7650,
    columns: [['job', 'VARCHAR'], ['sex', 'VARCHAR'], ['year', 'BIGINT'], ['count', 'BIGINT'], ['perc', 'DOUBLE']],
  },
  stocks: {
    file: 'stocks.csv', format: 'csv', title: 'Monthly prices of five tech stocks, 2000–2010', rows: 560,
    columns: [['symbol', 'VARCHAR'], ['date', 'VARCHAR'], ['price', 'DOUBLE']],
  },
} as const satisfies Record<string, Sample>;

export type SampleName = keyof typeof SAMPLES;
const NAMES = Object.keys(SAMPLES) as [SampleName, ...SampleName[]];

export function sampleSchema(name: SampleName): TableSchema {
  return SAMPLES[name].columns.map(([n, type]) => ({ name: n, type }));
}

/** The dataset a sample is registered as (its own name, so it never adds versions to a user's dataset). */
export const sampleDatasetName = (name: SampleName) => `vega.${name}`;

export default defineStep({
  type: 'ingest.sample',
  category: 'ingest',
  title: 'Example dataset',
  summary: 'Read one of the example datasets that ship with Millrace (penguins, cars, weather, flights …).',
  help:
    'Loads an example dataset from the vega-datasets collection bundled with Millrace, without uploading anything: ' +
    Object.entries(SAMPLES)
      .map(([k, s]) => `${k} (${s.rows.toLocaleString('en-US')} rows: ${s.title})`)
      .join('; ') +
    '. The first run registers it as the dataset "vega.<name>"; later runs reuse that version, since the bytes are the same.',
  inputs: {},
  outputs: { table: port.table('Table') },
  params: z.object({
    sample: z.enum(NAMES).default('penguins').meta({ title: 'Example dataset' }),
  }),
  outputSchema: ({ params }) => ({ table: sampleSchema(params.sample) }),
});
