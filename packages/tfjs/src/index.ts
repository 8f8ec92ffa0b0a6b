export { TfjsError } from './errors';
