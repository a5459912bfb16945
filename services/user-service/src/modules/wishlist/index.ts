/** The wishlist (paged by cursor). */
export { registerWishlistRoutes } from './wishlistRoutes';
