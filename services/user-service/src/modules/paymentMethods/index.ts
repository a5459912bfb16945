/** Tokenized payment methods (never a card number). */
export { registerPaymentMethodRoutes } from './paymentMethodRoutes';
